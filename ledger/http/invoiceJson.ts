// Invoices, their lines, credit notes and payments as the API answers them: snake_case,
// amounts as decimal strings, timestamps in ISO-8601 UTC. Typed against the answer schemas
// (invoiceSchemas.ts) so the documented shape and the served shape cannot drift apart.
import type { z } from 'zod'
import type { CreditNote } from '../creditNotes.ts'
import type { Invoice, InvoiceLine } from '../invoices.ts'
import type { Payment } from '../payments.ts'
import type { InvoiceTaxes } from '../tax/invoiceTaxes.ts'
import { REVERSE_CHARGE_NOTE } from '../tax/compute/lineTaxes.ts'
import type { creditNoteJson, invoiceJson, invoiceLineJson, paymentJson, taxLineJson } from './invoiceSchemas.ts'

// Absent rather than null when unset, so the answers of an organisation without billing
// entities stay as they were before entities existed.
function issuerJson(d: { displayNumber: string | null; billingEntityId: string | null }): { display_number?: string; billing_entity?: string } {
  return {
    ...(d.displayNumber === null ? {} : { display_number: d.displayNumber }),
    ...(d.billingEntityId === null ? {} : { billing_entity: d.billingEntityId }),
  }
}

export function invoiceToJson(i: Invoice): z.infer<typeof invoiceJson> {
  return {
    id: i.id,
    number: i.number,
    ...issuerJson(i),
    status: i.status,
    contract_id: i.contractId,
    billing_date: i.billingDate,
    due_date: i.dueDate,
    currency: i.currency,
    total: i.total,
    tax_total: i.taxTotal,
    credit_draws: i.creditDraws,
    grace_until: i.graceUntil,
    rated_at: i.ratedAt,
    finalized_at: i.finalizedAt,
    paid_at: i.paidAt,
    voided_at: i.voidedAt,
    void_reason: i.voidReason,
    replaces_invoice_id: i.replacesInvoiceId,
    replaced_by_invoice_id: i.replacedByInvoiceId,
    created_at: i.createdAt,
  }
}

export function lineToJson(l: InvoiceLine): z.infer<typeof invoiceLineJson> {
  return {
    id: l.id,
    position: l.position,
    timing: l.timing,
    kind: l.kind,
    description: l.description,
    product_id: l.productId,
    product: l.productName,
    metric: l.metricName ? { name: l.metricName, version: l.metricVersion } : null,
    price: l.price,
    price_version: l.priceVersion,
    quantity: l.quantity,
    unit_price: l.unitPrice,
    tier: l.tier,
    amount: l.amount,
    period_start: l.periodStart,
    period_end: l.periodEnd,
  }
}

export function creditNoteToJson(n: CreditNote): z.infer<typeof creditNoteJson> {
  return {
    id: n.id,
    number: n.number,
    ...issuerJson(n),
    invoice_id: n.invoiceId,
    reason: n.reason,
    memo: n.memo,
    total: n.total,
    lines: n.lines.map((l) => ({ invoice_line_id: l.invoiceLineId, amount: l.amount })),
    created_at: n.createdAt,
  }
}

export function paymentToJson(p: Payment): z.infer<typeof paymentJson> {
  return {
    id: p.id,
    invoice_id: p.invoiceId,
    amount: p.amount,
    currency: p.currency,
    paid_on: p.paidOn,
    method: p.method,
    reference: p.reference,
    created_at: p.createdAt,
  }
}

/** The tax part of an invoice's detail: a draft's `total` and `tax_total` are the preview's. */
export function taxesToJson(t: InvoiceTaxes): {
  subtotal: string
  total: string
  tax_total: string
  tax_fixed: boolean
  tax_lines: z.infer<typeof taxLineJson>[]
} {
  return {
    subtotal: t.subtotal,
    total: t.total,
    tax_total: t.taxTotal,
    tax_fixed: t.fixed,
    tax_lines: t.taxLines.map((l) => ({
      tax_rate: l.rate.id,
      name: l.rate.name,
      percentage: l.rate.percentage,
      type: l.rate.inclusive ? 'inclusive' : 'exclusive',
      jurisdiction: l.rate.jurisdiction,
      reverse_charge: l.reverseCharge,
      note: l.reverseCharge ? REVERSE_CHARGE_NOTE : null,
      taxable_base: l.base,
      amount: l.amount,
    })),
  }
}
