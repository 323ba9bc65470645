// A readable invoice: one self-contained HTML page (inline CSS, no scripts, every value
// escaped) with the seller, the customer, the lines grouped as billed (in arrears, in
// advance, terms such as discounts and credits, adjustments), credit notes, payments, totals.
import type { Contract } from '../../ledger/contracts.ts'
import type { CreditNote } from '../../ledger/creditNotes.ts'
import type { Customer } from '../../ledger/customers.ts'
import type { Invoice, InvoiceBalance, InvoiceLine } from '../../ledger/invoices.ts'
import type { Payment } from '../../ledger/payments.ts'

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const SECTIONS: [InvoiceLine['timing'], string][] = [
  ['in_arrears', 'Usage (in arrears)'],
  ['in_advance', 'Subscriptions (in advance)'],
  ['invoice', 'Discounts, commitments and credits'],
  ['adjustment', 'Adjustments to earlier invoices'],
]

export interface InvoicePage {
  seller: string
  customer: Customer
  contract: Contract
  invoice: Invoice
  lines: InvoiceLine[]
  balance: InvoiceBalance
  creditNotes: CreditNote[]
  payments: Payment[]
}

export function renderInvoiceHtml(p: InvoicePage): string {
  const e = escapeHtml
  const cur = e(p.invoice.currency)
  const title = p.invoice.number === null ? `Draft invoice` : `Invoice ${p.invoice.number}`
  const sections = SECTIONS.map(([timing, heading]) => {
    const rows = p.lines.filter((l) => l.timing === timing)
    if (rows.length === 0) return ''
    return `<tr class="section"><th colspan="6">${e(heading)}</th></tr>` +
      rows.map((l) => `<tr><td>${e(l.description)}${l.tier !== null ? ` <span class="muted">(tier ${e(l.tier)})</span>` : ''}</td><td>${l.periodStart ? `${e(l.periodStart)} – ${e(l.periodEnd)}` : ''}</td><td class="num">${e(l.quantity)}</td><td class="num">${e(l.unitPrice ?? '')}</td><td class="muted">${l.metricName ? `${e(l.metricName)} v${e(l.metricVersion)}` : ''}</td><td class="num">${e(l.amount)}</td></tr>`).join('')
  }).join('')
  const notes = p.creditNotes.map((n) => `<li>Credit note ${e(n.number)} (${e(n.reason)}${n.memo ? `: ${e(n.memo)}` : ''}): −${e(n.total)} ${cur}</li>`).join('')
  const pays = p.payments.map((x) => `<li>${e(x.paidOn)} ${e(x.method)}${x.reference ? ` ${e(x.reference)}` : ''}: ${e(x.amount)} ${cur}</li>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#777}.section th{background:#f4f4f4}.totals td{border:none}header{display:flex;justify-content:space-between}</style>
</head><body>
<header><div><h1>${e(title)}</h1><p>Status: <strong>${e(p.invoice.status)}</strong><br>Billing date: ${e(p.invoice.billingDate)}<br>Due: ${e(p.invoice.dueDate)}</p></div>
<div><h3>From</h3><p>${e(p.seller)}</p><h3>Bill to</h3><p>${e(p.customer.name)}<br><span class="muted">${e(p.customer.externalId)}</span>${p.customer.email ? `<br>${e(p.customer.email)}` : ''}</p><p class="muted">Contract ${e(p.contract.name)}</p></div></header>
<table><thead><tr><th>Description</th><th>Period</th><th class="num">Quantity</th><th class="num">Unit price</th><th>Metric</th><th class="num">Amount (${cur})</th></tr></thead>
<tbody>${sections}</tbody></table>
<table class="totals"><tr><td class="num">Total</td><td class="num"><strong>${e(p.invoice.total)} ${cur}</strong></td></tr>
<tr><td class="num">Credited</td><td class="num">${e(p.balance.credited)} ${cur}</td></tr>
<tr><td class="num">Paid</td><td class="num">${e(p.balance.paid)} ${cur}</td></tr>
<tr><td class="num">Amount due</td><td class="num"><strong>${e(p.balance.due)} ${cur}</strong></td></tr></table>
${notes ? `<h3>Credit notes</h3><ul>${notes}</ul>` : ''}${pays ? `<h3>Payments</h3><ul>${pays}</ul>` : ''}
</body></html>`
}
