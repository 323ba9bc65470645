// A readable invoice: one self-contained HTML page (inline CSS, no scripts, every value
// escaped) with the seller, the customer, the lines grouped as billed (in arrears, in
// advance, terms such as discounts and credits, adjustments), credit notes, payments, totals.
import { Dec } from '../../platform/decimal.ts'
import type { Contract } from '../contracts.ts'
import type { CreditNote } from '../creditNotes.ts'
import type { Customer } from '../customers.ts'
import type { Invoice, InvoiceBalance, InvoiceLine } from '../invoices.ts'
import type { Payment } from '../payments.ts'
import type { InvoiceTaxes } from '../tax/invoiceTaxes.ts'
import { customerDetailLines, taxNote, totalRows } from './invoiceTaxText.ts'

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** How the lines are grouped on every rendering (HTML, PDF), in this order. */
const SECTIONS: [InvoiceLine['timing'], string][] = [
  ['in_arrears', 'Usage (in arrears)'],
  ['in_advance', 'Subscriptions (in advance)'],
  ['invoice', 'Discounts, commitments and credits'],
  ['adjustment', 'Adjustments to earlier invoices'],
]

/** The non-empty sections of an invoice, each with its lines in position order. */
export function invoiceSections(lines: InvoiceLine[]): { heading: string; lines: InvoiceLine[] }[] {
  return SECTIONS.map(([timing, heading]) => ({ heading, lines: lines.filter((l) => l.timing === timing) })).filter((s) => s.lines.length > 0)
}

/** "Invoice 12" (or its display number, "Invoice ACME-000012"), or "Draft invoice" before finalization assigns a number. */
export function invoiceTitle(invoice: Invoice): string {
  return invoice.number === null ? 'Draft invoice' : `Invoice ${invoice.displayNumber ?? invoice.number}`
}

// Plain-text cells and list items, shared by the HTML and PDF renderings (each escapes or
// encodes them for its own output).
export const linePeriod = (l: InvoiceLine): string => (l.periodStart ? `${l.periodStart} – ${l.periodEnd}` : '')
export const lineMetric = (l: InvoiceLine): string => (l.metricName ? `${l.metricName} v${l.metricVersion}` : '')
export const creditNoteText = (n: CreditNote, currency: string): string =>
  `Credit note ${n.displayNumber ?? n.number} (${n.reason}${n.memo ? `: ${n.memo}` : ''}): −${n.total} ${currency}`
export const paymentText = (x: Payment, currency: string): string => `${x.paidOn} ${x.method}${x.reference ? ` ${x.reference}` : ''}: ${x.amount} ${currency}`
/**
 * The last row of an invoice's totals: what the customer owes, or, when the balance is below zero
 * (an invoice that gives back more than it bills: a volume price ending a threshold-billed period
 * in a cheaper tier, a termination credit), what is owed to the customer, as a positive amount.
 */
export function balanceRow(due: string): [label: string, amount: string] {
  return new Dec(due).lessThan(0) ? ['Credit to the customer', due.slice(1)] : ['Amount due', due]
}

/** "Replaces invoice 7" on a reissued invoice, else null. */
export const replacesText = (p: Pick<InvoicePage, 'replaces'>): string | null =>
  p.replaces ? `Replaces invoice ${p.replaces.displayNumber ?? p.replaces.number ?? p.replaces.id}` : null

export interface InvoicePage {
  seller: string
  /** The issuing billing entity's legal details (free text, one item a line); none for the organisation. */
  sellerDetails?: string | null
  customer: Customer
  contract: Contract
  invoice: Invoice
  lines: InvoiceLine[]
  balance: InvoiceBalance
  creditNotes: CreditNote[]
  payments: Payment[]
  /** The void invoice a reissued one replaces. */
  replaces?: Pick<Invoice, 'id' | 'number' | 'displayNumber'> | null
  /** Its tax lines (tax/invoiceTaxes.ts); none: the total alone. */
  taxes?: InvoiceTaxes | null
}

export function renderInvoiceHtml(p: InvoicePage): string {
  const e = escapeHtml
  const cur = e(p.invoice.currency)
  const title = invoiceTitle(p.invoice)
  const sections = invoiceSections(p.lines)
    .map(({ heading, lines }) => {
      return (
        `<tr class="section"><th colspan="6">${e(heading)}</th></tr>` +
        lines
          .map(
            (l) =>
              `<tr><td>${e(l.description)}${l.tier !== null ? ` <span class="muted">(tier ${e(l.tier)})</span>` : ''}</td><td>${e(linePeriod(l))}</td><td class="num">${e(l.quantity)}</td><td class="num">${e(l.unitPrice ?? '')}</td><td class="muted">${e(lineMetric(l))}</td><td class="num">${e(l.amount)}</td></tr>`,
          )
          .join('')
      )
    })
    .join('')
  const notes = p.creditNotes.map((n) => `<li>${e(creditNoteText(n, p.invoice.currency))}</li>`).join('')
  const pays = p.payments.map((x) => `<li>${e(paymentText(x, p.invoice.currency))}</li>`).join('')
  const totals = totalRows(p.invoice, p.taxes)
    .map(
      ([label, amount, strong]) =>
        `<tr><td class="num">${e(label)}</td><td class="num">${strong ? `<strong>${e(amount)} ${cur}</strong>` : `${e(amount)} ${cur}`}</td></tr>`,
    )
    .join('\n')
  const details = customerDetailLines(p.customer)
    .map((l) => `<br>${e(l)}`)
    .join('')
  const note = taxNote(p.taxes, p.customer)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#777}.section th{background:#f4f4f4}.totals td{border:none}header{display:flex;justify-content:space-between}</style>
</head><body>
<header><div><h1>${e(title)}</h1><p>Status: <strong>${e(p.invoice.status)}</strong><br>Billing date: ${e(p.invoice.billingDate)}<br>Due: ${e(p.invoice.dueDate)}${replacesText(p) ? `<br>${e(replacesText(p))}` : ''}</p></div>
<div><h3>From</h3><p>${e(p.seller)}${p.sellerDetails ? `<br><span class="muted">${e(p.sellerDetails).replaceAll('\n', '<br>')}</span>` : ''}</p><h3>Bill to</h3><p>${e(p.customer.name)}<br><span class="muted">${e(p.customer.externalId)}</span>${p.customer.email ? `<br>${e(p.customer.email)}` : ''}${details}</p><p class="muted">Contract ${e(p.contract.name)}</p></div></header>
<table><thead><tr><th>Description</th><th>Period</th><th class="num">Quantity</th><th class="num">Unit price</th><th>Metric</th><th class="num">Amount (${cur})</th></tr></thead>
<tbody>${sections}</tbody></table>
<table class="totals">${totals}
<tr><td class="num">Credited</td><td class="num">${e(p.balance.credited)} ${cur}</td></tr>
<tr><td class="num">Paid</td><td class="num">${e(p.balance.paid)} ${cur}</td></tr>
<tr><td class="num">${e(balanceRow(p.balance.due)[0])}</td><td class="num"><strong>${e(balanceRow(p.balance.due)[1])} ${cur}</strong></td></tr></table>
${note ? `<p><strong>${e(note)}</strong></p>` : ''}${notes ? `<h3>Credit notes</h3><ul>${notes}</ul>` : ''}${pays ? `<h3>Payments</h3><ul>${pays}</ul>` : ''}
</body></html>`
}
