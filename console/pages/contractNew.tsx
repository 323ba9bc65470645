// A new contract from a plan: the plan's products with their prices, billing and quantities as
// editable fields (a change is an override, recorded on the contract), a pricing preview of one
// period at the quantities given (POST /v1/invoices/preview, inline), then create.
import type { FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import type { Plan, Product } from './catalogue.tsx'
import { Columns, ErrorNotice, Layout, PricedCells, TotalFoot } from './layout.tsx'

/** What the form holds, as typed: one entry per plan item, in the plan's order. */
export interface ContractDraft {
  plan: string
  customer: string
  name: string
  start_date: string
  cadence: 'monthly' | 'quarterly' | 'annual'
  items: { price: string; billing: 'in_advance' | 'in_arrears'; quantity: string; preview_quantity: string }[]
}

/** The inline preview's answer (rating's price result with the invoice's credits). */
export interface InlinePreview {
  amount: string
  currency: string
  lines: { kind: string; description: string; quantity: string; unit_price?: string; tier?: number; amount: string; product?: string }[]
}

export const CADENCES = ['monthly', 'quarterly', 'annual'] as const

const PreviewTable: FC<{ preview: InlinePreview }> = ({ preview }) => (
  <section aria-labelledby="preview-heading" id="contract-preview" aria-live="polite">
    <h2 id="preview-heading">Pricing preview: one period at these quantities</h2>
    <table>
      <caption class="visually-hidden">Previewed invoice lines</caption>
      <Columns names={['Line', 'Quantity', 'Unit price', 'Amount']} numeric={['Quantity', 'Unit price', 'Amount']} />
      <tbody>
        {preview.lines.map((l) => (
          <tr>
            <td>
              {l.product === undefined ? '' : `${l.product}: `}
              {l.description}
              {l.tier === undefined ? null : <span class="help"> (tier {l.tier})</span>}
            </td>
            <PricedCells quantity={l.quantity} unitPrice={l.unit_price} amount={l.amount} />
          </tr>
        ))}
      </tbody>
      <TotalFoot span={3} total={preview.amount} currency={preview.currency} id="preview-total" />
    </table>
    <p class="help">Nothing is saved yet. Invoices of the contract also prorate partial periods and bill in-advance fees ahead.</p>
  </section>
)

export const NewContractPage: FC<{
  assets: Assets
  csrf: string
  plans: Plan[]
  plan?: Plan | undefined
  products: Map<string, Product>
  draft: ContractDraft
  preview?: InlinePreview | undefined
  error?: Problem | undefined
}> = (p) => (
  <Layout title="New contract" assets={p.assets} csrf={p.csrf} section="contracts">
    <p class="crumbs">
      <a href="/console/contracts">Contracts</a>
    </p>
    <h1>New contract{p.plan === undefined ? '' : ` from plan ${p.plan.name}`}</h1>
    <form method="get" action="/console/contracts/new" class="filters" aria-label="Choose a plan">
      <input type="hidden" name="customer" value={p.draft.customer} />
      <p>
        <label for="contract-plan">Plan</label>
        <select id="contract-plan" name="plan">
          {p.plans.map((x) => (
            <option value={x.id} selected={x.id === p.plan?.id}>
              {x.name} ({x.currency})
            </option>
          ))}
        </select>
      </p>
      <p class="actions">
        <button type="submit" class="secondary">
          Use this plan
        </button>
      </p>
    </form>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    {p.plan === undefined ? (
      <p>
        No plan yet: create one with <code>POST /v1/plans</code> or <code>tally plans create</code>.
      </p>
    ) : (
      <form method="post" action="/console/contracts/new" class="fields">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="hidden" name="plan" value={p.plan.id} />
        <p>
          <label for="contract-customer">Customer id</label>
          <input id="contract-customer" name="customer" required value={p.draft.customer} spellcheck={false} />
        </p>
        <p>
          <label for="contract-name">Contract name</label>
          <input id="contract-name" name="name" value={p.draft.name} aria-describedby="contract-name-help" />
          <span id="contract-name-help" class="help">
            Empty: the plan's name
          </span>
        </p>
        <p>
          <label for="contract-start">Start date</label>
          <input id="contract-start" name="start_date" type="date" required value={p.draft.start_date} />
        </p>
        <p>
          <label for="contract-cadence">Cadence</label>
          <select id="contract-cadence" name="cadence">
            {CADENCES.map((c) => (
              <option value={c} selected={c === p.draft.cadence}>
                {c}
              </option>
            ))}
          </select>
        </p>
        {p.plan.items.map((it, i) => {
          const product = p.products.get(it.product_id)
          const d = p.draft.items[i]!
          return (
            <fieldset class="wide">
              <legend>
                {product?.name ?? it.product_id} ({product?.kind.replace('_', '-') ?? 'product'})
              </legend>
              <div class="fields">
                <p class="wide">
                  <label for={`item-${i}-price`}>Price definition (JSON)</label>
                  <textarea id={`item-${i}-price`} name={`item_${i}_price`} rows={3} spellcheck={false}>
                    {d.price}
                  </textarea>
                </p>
                <p>
                  <label for={`item-${i}-billing`}>Billing</label>
                  <select id={`item-${i}-billing`} name={`item_${i}_billing`}>
                    {(['in_advance', 'in_arrears'] as const).map((b) => (
                      <option value={b} selected={b === d.billing}>
                        {b.replace('_', ' ')}
                      </option>
                    ))}
                  </select>
                </p>
                {product?.kind === 'metered' ? (
                  <p>
                    <label for={`item-${i}-usage`}>Usage to preview</label>
                    <input id={`item-${i}-usage`} name={`item_${i}_preview_quantity`} inputmode="decimal" value={d.preview_quantity} />
                  </p>
                ) : (
                  <p>
                    <label for={`item-${i}-quantity`}>Quantity</label>
                    <input id={`item-${i}-quantity`} name={`item_${i}_quantity`} inputmode="decimal" value={d.quantity} />
                  </p>
                )}
              </div>
            </fieldset>
          )
        })}
        <p class="actions wide">
          <button type="submit" name="intent" value="preview" class="secondary">
            Preview pricing
          </button>
          <button type="submit" name="intent" value="create">
            Create contract
          </button>
        </p>
      </form>
    )}
    {p.preview === undefined ? null : <PreviewTable preview={p.preview} />}
  </Layout>
)
