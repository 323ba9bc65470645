// The parts of an invoice page below its lines: its tax lines, the credits it drew, its credit notes and
// payments, and the `explain` trail (where each item's amount comes from, re-derived).
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { invoiceExplanationJson } from '../../rating/http/billingSchemas.ts'
import { documentNumber } from './documentNumber.ts'
import type { InvoiceDetail } from './invoices.tsx'
import { Columns } from './layout.tsx'

export type InvoiceExplanation = z.infer<typeof invoiceExplanationJson>

const day = (iso: string) => iso.slice(0, 10)

export const LedgerSections: FC<{ invoice: InvoiceDetail }> = ({ invoice: i }) => (
  <>
    {i.tax_lines.length === 0 ? null : (
      <section aria-labelledby="tax">
        <h2 id="tax">Tax{i.tax_fixed ? '' : ' (preview: fixed when the invoice is finalized)'}</h2>
        <table>
          <caption class="visually-hidden">Tax lines</caption>
          <Columns names={['Rate', 'Type', 'Taxable base', 'Tax']} numeric={['Taxable base', 'Tax']} />
          <tbody>
            {i.tax_lines.map((t) => (
              <tr>
                <th scope="row">
                  {t.name} ({t.percentage}%){t.note ? ` — ${t.note}` : ''}
                </th>
                <td>{t.type}</td>
                <td class="num">
                  {t.taxable_base} {i.currency}
                </td>
                <td class="num">
                  {t.amount} {i.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Subtotal {i.subtotal} {i.currency} · tax {i.tax_total} {i.currency} · total {i.total} {i.currency}
        </p>
      </section>
    )}
    {i.credit_draws.length === 0 ? null : (
      <section aria-labelledby="credits">
        <h2 id="credits">Credits drawn</h2>
        <ul>
          {i.credit_draws.map((d) => (
            <li>
              Grant <code>{d.id.slice(0, 8)}</code>: {d.drawn} {i.currency}
            </li>
          ))}
        </ul>
      </section>
    )}
    <section aria-labelledby="credit-notes">
      <h2 id="credit-notes">Credit notes</h2>
      {i.credit_notes.length === 0 ? (
        <p>None.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Credit notes</caption>
          <Columns names={['Number', 'Reason', 'Memo', 'Issued', 'Total']} numeric={['Total']} />
          <tbody>
            {i.credit_notes.map((n) => (
              <tr>
                <th scope="row">Credit note {documentNumber(n)}</th>
                <td>{n.reason.replace(/_/g, ' ')}</td>
                <td>{n.memo ?? ''}</td>
                <td>{day(n.created_at)}</td>
                <td class="num">
                  {n.total} {i.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
    <section aria-labelledby="payments">
      <h2 id="payments">Payments</h2>
      {i.payments.length === 0 ? (
        <p>None.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Payments</caption>
          <Columns names={['Paid on', 'Method', 'Reference', 'Amount']} numeric={['Amount']} />
          <tbody>
            {i.payments.map((p) => (
              <tr>
                <th scope="row">{p.paid_on}</th>
                <td>{p.method.replace(/_/g, ' ')}</td>
                <td>{p.reference ?? ''}</td>
                <td class="num">
                  {p.amount} {p.currency}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  </>
)

/** How an item's usage was recorded: one quantity, dimension-keyed quantities, or transactions. */
function usageText(u: InvoiceExplanation['items'][number]['usage']): string {
  if (u.quantity !== undefined) return u.quantity
  if (u.quantities !== undefined) return u.quantities.map((q) => `${Object.values(q.dimensions).join('/')}: ${q.quantity}`).join(', ')
  return u.transactions === undefined ? '' : `${u.transactions.length} transactions`
}

export const ExplainTrail: FC<{ explanation: InvoiceExplanation; currency: string }> = ({ explanation: e, currency }) => (
  <section aria-labelledby="explain">
    <h2 id="explain">Where the total comes from</h2>
    <p class={e.rederived.matches ? 'notice' : 'notice error'}>
      Re-derived from the recorded prices and usage: {e.rederived.total} {currency} —{' '}
      {e.rederived.matches ? 'equal to the invoice total.' : `different from the invoice total ${e.total}.`}
    </p>
    <table>
      <caption class="visually-hidden">Rated items</caption>
      <Columns names={['Product', 'Billing', 'Period', 'Metric', 'Price', 'Usage', 'Amount', 'Re-derived']} numeric={['Usage', 'Amount', 'Re-derived']} />
      <tbody>
        {e.items.map((it) => (
          <tr>
            <th scope="row">{it.product_name}</th>
            <td>{it.timing.replace('_', ' ')}</td>
            <td>
              {day(it.segment.start)} – {day(it.segment.end)}
              {it.proration === null ? null : <span class="help"> (prorated)</span>}
            </td>
            <td>{it.metric === null ? '' : `${it.metric.name} v${it.metric.version}`}</td>
            <td>
              <code title={JSON.stringify(it.price)}>{String(it.price.model ?? 'price')}</code> <span class="help">{it.price_version.slice(0, 8)}</span>
            </td>
            <td class="num">{usageText(it.usage)}</td>
            <td class="num">{it.amount}</td>
            <td class="num">{it.rederived_amount}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {e.adjustments.length === 0 ? null : (
      <ul>
        {e.adjustments.map((a) => (
          <li>
            Late usage of {a.product_name} billed {a.of_billing_date}: {a.previous_amount} → {a.amount} ({a.delta} {currency})
          </li>
        ))}
      </ul>
    )}
  </section>
)
