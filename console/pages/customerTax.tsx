// A customer's address and tax settings: the facts its page shows (address, tax id, reverse
// charge, default tax rate by name, the rate applied and where it comes from) and the page that edits them. A refused edit comes back to
// the same page with the API's code as a readable message, the fields as they were typed.
import type { FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import type { EffectiveTaxRate } from '../effectiveTaxRate.ts'
import { ADDRESS_FIELDS, type AddressField, type CustomerTaxForm } from '../customerTaxForm.ts'
import type { Problem } from '../routeKit.tsx'
import type { TaxRateJson } from '../../ledger/http/taxRateSchemas.ts'
import type { Customer } from './customers.tsx'
import { ErrorNotice, Layout, PostForm } from './layout.tsx'

/** A tax rate as GET /v1/tax-rates answers it. */
export type TaxRate = TaxRateJson

const ADDRESS_LABELS: Record<AddressField, string> = {
  line1: 'Address line 1',
  line2: 'Address line 2',
  city: 'City',
  postal_code: 'Postal code',
  region: 'Region',
  country: 'Country',
}

/** A rate in one line: its name, percentage and kind, and whether it is archived. */
export const rateLabel = (r: TaxRate): string => `${r.name} (${r.percentage} %, ${r.type}${r.archived_at === null ? '' : ', archived'})`

/** The address as its printed lines: line1, line2, postal code and city, region, country. */
export function addressLines(a: Customer['address']): string[] {
  if (a === undefined) return []
  const place = [a.postal_code, a.city].filter((s) => s !== undefined && s !== '').join(' ')
  return [a.line1, a.line2, place, a.region, a.country].filter((s): s is string => s !== undefined && s !== '')
}

/** What the customer's lines are taxed at (when their product has no rate of its own), and where that comes from. */
function appliedRate(e: EffectiveTaxRate, c: Customer): string {
  const reverse = c.reverse_charge === true ? '; reverse charge: taxed lines at 0 %' : ''
  switch (e.source) {
    case 'customer':
      return `${e.rate === undefined ? (c.tax_rate ?? '') : rateLabel(e.rate)}, its own default rate${reverse}`
    case 'country':
      return `${rateLabel(e.rate)}, the live rate for its address country ${e.country}${reverse}`
    case 'none':
      return e.country === null
        ? 'None: no rate of its own and no address country, so its lines are not taxed'
        : `None: no rate of its own and no live rate for its address country ${e.country}, so its lines are not taxed`
  }
}

/**
 * The customer's tax facts, for its page's `<dl class="facts">`; `rate` is its default rate when
 * it has one, `effective` what its lines are taxed at and why (effectiveTaxRate.ts).
 */
export const CustomerTaxFacts: FC<{ customer: Customer; rate: TaxRate | undefined; effective: EffectiveTaxRate }> = ({ customer: c, rate, effective }) => {
  const lines = addressLines(c.address)
  return (
    <>
      <dt>Address</dt>
      <dd>
        {lines.length === 0
          ? '—'
          : lines.map((l, i) => (
              <>
                {i === 0 ? null : <br />}
                {l}
              </>
            ))}
      </dd>
      <dt>Tax id</dt>
      <dd>{c.tax_id ?? '—'}</dd>
      <dt>Reverse charge</dt>
      <dd>{c.reverse_charge === true ? 'Yes: taxed lines at 0 %, “Reverse charge” on invoices' : 'No'}</dd>
      <dt>Default tax rate</dt>
      <dd>{c.tax_rate === undefined ? 'None of its own' : rate === undefined ? <code>{c.tax_rate}</code> : rateLabel(rate)}</dd>
      <dt>Tax rate applied</dt>
      <dd>
        {appliedRate(effective, c)}
        <span class="help"> (a product with a rate of its own is taxed at it instead)</span>
      </dd>
    </>
  )
}

export const CustomerTaxPage: FC<{
  assets: Assets
  csrf: string
  customer: Customer
  /** The live rates to choose from, and the customer's own when it is archived. */
  rates: TaxRate[]
  form: CustomerTaxForm
  error?: Problem | undefined
}> = (p) => {
  const href = `/console/customers/${encodeURIComponent(p.customer.external_id)}`
  return (
    <Layout title={`Address and tax of ${p.customer.name}`} assets={p.assets} csrf={p.csrf} section="customers">
      <p class="crumbs">
        <a href="/console/customers">Customers</a> › <a href={href}>{p.customer.name}</a>
      </p>
      <h1>Address and tax of {p.customer.name}</h1>
      <p>Invoices finalized from now on use these; issued invoices keep what they were finalized with.</p>
      {p.error === undefined ? null : <ErrorNotice {...p.error} />}
      <PostForm action={`${href}/tax`} csrf={p.csrf} submit="Save address and tax" cancel={href}>
        <p class="wide">
          <label for="tax-rate">Default tax rate</label>
          <select id="tax-rate" name="tax_rate" aria-describedby="tax-rate-help">
            <option value="" selected={p.form.tax_rate === ''}>
              None
            </option>
            {p.rates.map((r) => (
              <option value={r.id} selected={p.form.tax_rate === r.id}>
                {rateLabel(r)}
              </option>
            ))}
          </select>
          <span id="tax-rate-help" class="help">
            A product's own rate wins over it; <a href="/console/tax-rates">all tax rates</a>
          </span>
        </p>
        <p>
          <label for="tax-id">Tax id</label>
          <input id="tax-id" name="tax_id" value={p.form.tax_id ?? ''} maxlength={100} aria-describedby="tax-id-help" spellcheck={false} />
          <span id="tax-id-help" class="help">
            E.g. a VAT number; printed on invoices
          </span>
        </p>
        <p class="wide">
          <span class="check">
            <input id="reverse-charge" name="reverse_charge" type="checkbox" checked={p.form.reverse_charge === 'on'} aria-describedby="reverse-charge-help" />
            <label for="reverse-charge">Reverse charge</label>
          </span>
          <span id="reverse-charge-help" class="help">
            The customer accounts for the tax: its taxed lines are at 0 % with the note “Reverse charge”
          </span>
        </p>
        <fieldset class="wide">
          <legend>Billing address (all empty: none)</legend>
          {ADDRESS_FIELDS.map((f) => (
            <p>
              <label for={`address-${f}`}>{ADDRESS_LABELS[f]}</label>
              <input
                id={`address-${f}`}
                name={`address_${f}`}
                value={p.form[`address_${f}`] ?? ''}
                {...(f === 'country' ? { maxlength: 2, 'aria-describedby': 'address-country-help', spellcheck: false } : { maxlength: 200 })}
              />
              {f === 'country' ? (
                <span id="address-country-help" class="help">
                  ISO 3166-1 alpha-2, upper-case: GB, DE, US
                </span>
              ) : null}
            </p>
          ))}
        </fieldset>
      </PostForm>
    </Layout>
  )
}
