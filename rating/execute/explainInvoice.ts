// GET /v1/invoices/:id/explain: every line with where it came from (metric version, price
// definition and version, quantity, period), and a re-derivation: each item is rated again
// from its recorded price and usage, the contract terms are applied again, and the result
// must equal the stored total. `rederived.matches` false would mean the engine changed.
import type { Invoice, InvoiceLine } from '../../ledger/ratingStore.ts'
import { isoMinorUnits } from '../../platform/currency.ts'
import { resolveCurrency, type Currency } from '../compute/currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { parseInvoiceInput, rateInvoice } from '../compute/rateInvoice.ts'
import { formatMoney } from '../compute/rounding.ts'
import { rateItem, recordedTotal } from './priceInvoice.ts'
import { readRatingRecord, type RatingRecord } from './ratingRecord.ts'

export interface InvoiceExplanation {
  invoice_id: string
  status: string
  billing_date: string
  total: string
  items: (RatingRecord['items'][number] & { rederived_amount: string })[]
  terms: RatingRecord['invoice']
  adjustments: RatingRecord['adjustments']
  prorations: NonNullable<RatingRecord['prorations']>
  charges: NonNullable<RatingRecord['charges']>
  /** A threshold invoice's: the scheduled invoice it billed usage ahead of, and the threshold. */
  threshold: NonNullable<RatingRecord['threshold']> | null
  lines: {
    position: number
    timing: string
    kind: string
    description: string
    product: string | null
    metric: string | null
    metric_version: number | null
    price_version: string | null
    quantity: string
    amount: string
    period_start: string | null
    period_end: string | null
  }[]
  rederived: { total: string; matches: boolean }
}

/**
 * The invoice's currency as its rating recorded it: the terms' input names it (inline for a
 * declared custom currency, priceInvoice.ts), so no organisation table is needed. An invoice
 * of adjustments only has no terms input; its total was written in the currency's minor units.
 */
function recordedCurrency(invoice: Invoice, record: RatingRecord): Currency {
  if (record.invoice) return resolveCurrency(parseInvoiceInput(record.invoice).currency)
  if (isoMinorUnits(invoice.currency) !== undefined) return resolveCurrency(invoice.currency)
  return { code: invoice.currency, minorUnits: invoice.total.split('.')[1]?.length ?? 0 }
}

export function explainInvoice(invoice: Invoice, lines: InvoiceLine[]): InvoiceExplanation {
  const record = readRatingRecord(invoice)
  const currency = recordedCurrency(invoice, record)
  const items = record.items.map((item) => ({ ...item, rederived_amount: rateItem(item, record.rounding_mode).amount }))
  const invoiceAmount = record.invoice ? new Dec(rateInvoice(parseInvoiceInput(record.invoice)).amount) : new Dec(0)
  const itemsMatch = items.every((i) => i.rederived_amount === i.amount)
  const total = formatMoney(recordedTotal({ ...record, invoice_amount: invoiceAmount.toFixed() }), currency)
  return {
    invoice_id: invoice.id,
    status: invoice.status,
    billing_date: invoice.billingDate,
    total: invoice.total,
    items,
    terms: record.invoice,
    adjustments: record.adjustments,
    prorations: record.prorations ?? [],
    charges: record.charges ?? [],
    threshold: record.threshold ?? null,
    lines: lines.map((l) => ({
      position: l.position,
      timing: l.timing,
      kind: l.kind,
      description: l.description,
      product: l.productName,
      metric: l.metricName,
      metric_version: l.metricVersion,
      price_version: l.priceVersion,
      quantity: l.quantity,
      amount: l.amount,
      period_start: l.periodStart,
      period_end: l.periodEnd,
    })),
    // Compared with the lines, which rating wrote: a finalized invoice's total also has its exclusive tax (ledger/tax/README.md).
    rederived: {
      total,
      matches:
        itemsMatch &&
        total ===
          formatMoney(
            lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0)),
            currency,
          ),
    },
  }
}
