// A customer's address and tax settings as a form: the fields the page shows, filled from the
// customer, and the body of PATCH /v1/customers/:id they become. The API validates every field
// (a country code, a live tax rate) and says which one is wrong.
import type { Customer } from './pages/customers.tsx'

export const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'postal_code', 'region', 'country'] as const
export type AddressField = (typeof ADDRESS_FIELDS)[number]

/** The form's fields: `tax_rate`, `tax_id`, `reverse_charge` ("on" when ticked) and `address_<field>`. */
export type CustomerTaxForm = Record<string, string>

/** The form as the customer stands now. */
export function customerTaxFormOf(c: Customer): CustomerTaxForm {
  return {
    tax_rate: c.tax_rate ?? '',
    tax_id: c.tax_id ?? '',
    reverse_charge: c.reverse_charge === true ? 'on' : '',
    ...Object.fromEntries(ADDRESS_FIELDS.map((f) => [`address_${f}`, c.address?.[f] ?? ''])),
  }
}

/**
 * The PATCH body: blank fields are none (null); an address with every field blank is none. The
 * rate is sent only when it changed, so a customer whose rate was archived since keeps it when
 * only its address is edited (the API refuses an archived rate as a new choice).
 */
export function customerTaxBody(form: CustomerTaxForm, current: Customer): Record<string, unknown> {
  const t = (k: string) => (form[k] ?? '').trim()
  const address = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, t(`address_${f}`)]).filter(([, v]) => v !== ''))
  const rate = t('tax_rate') === '' ? null : t('tax_rate')
  return {
    ...(rate === (current.tax_rate ?? null) ? {} : { tax_rate: rate }),
    tax_id: t('tax_id') === '' ? null : t('tax_id'),
    reverse_charge: form.reverse_charge === 'on',
    address: Object.keys(address).length === 0 ? null : address,
  }
}
