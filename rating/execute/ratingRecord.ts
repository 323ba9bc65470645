// What a rating stores on its invoice (`rating_input`): every item with its price, usage and
// proration, the rateInvoice input and the adjustments, so `explain` re-derives the total and
// the next run prices late usage of a finalized period with the price it was billed at. The
// ledger refuses a record this schema rejects (ratingDocuments.ts), and readRatingRecord
// parses one back, so neither side reads it by casting.
import { z } from 'zod'
import type { Invoice } from '../../ledger/ratingStore.ts'

const span = z.object({ start: z.string(), end: z.string() })

const recordedUsage = z.object({
  quantity: z.string().optional(),
  quantities: z.array(z.object({ dimensions: z.record(z.string(), z.string()), quantity: z.string() })).optional(),
  /** A per-transaction percent price's amounts, one per row of its metric (priceInvoice.ts usageFields). */
  transactions: z.array(z.string()).optional(),
  /** What the period's threshold invoices already billed of this item (thresholdInvoice.ts): `quantity` is what it adds on top. */
  billed_quantity: z
    .string()
    .optional()
    .describe(
      "What the period's threshold invoices already billed of the item: `quantity` is what the item adds on top of it, rated as rate(billed + quantity) − rate(billed)",
    ),
})

/** A threshold invoice that billed part of an item's period before this invoice (thresholdInvoice.ts). */
const billedBefore = z.object({ invoice_id: z.string(), number: z.number().int().nullable(), quantity: z.string(), amount: z.string() })

/** A price definition as the contract held it: rating parses it with the pricing schema where it rates. */
const storedPrice = z.record(z.string(), z.unknown())

const recordedItem = z.object({
  id: z.string(),
  timing: z.enum(['in_advance', 'in_arrears']),
  product_id: z.string(),
  product_name: z.string(),
  price: storedPrice,
  price_version: z.string(),
  period: span,
  segment: span,
  metric: z.object({ name: z.string(), version: z.number().int(), start: z.string(), end: z.string() }).nullable(),
  usage: recordedUsage,
  proration: z.object({ period_start: z.string(), period_end: z.string(), active_start: z.string(), active_end: z.string() }).nullable(),
  amount: z.string(),
  /** The threshold invoices of the period that billed this item before, netted by `usage.billed_quantity` (only when there are some). */
  billed_before: z
    .array(billedBefore)
    .optional()
    .describe('The threshold invoices of the period that billed this item before (id, number, quantity, amount); the item takes off what they billed'),
  /** A remote-query metric's run at its source (source id, form, queries, rows, parameters, executed_at); outside the content hash. */
  source: z
    .object({
      source_id: z.string(),
      form: z.enum(['grouped', 'per_customer']),
      queries: z.number().int(),
      row_count: z.number().int(),
      parameters: z.record(z.string(), z.string()),
      executed_at: z.string(),
    })
    .optional(),
})

const recordedAdjustment = z.object({
  of_invoice: z.string(),
  of_billing_date: z.string(),
  item_id: z.string(),
  product_name: z.string(),
  previous_usage: recordedUsage,
  usage: recordedUsage,
  previous_amount: z.string(),
  amount: z.string(),
  delta: z.string(),
})

/** A credit or charge for part of a period an earlier final invoice billed in advance (midPeriodProration.ts). */
const recordedProration = z.object({
  of_invoice: z.string(),
  of_number: z.number().int().nullable(),
  direction: z.enum(['credit', 'charge']),
  product_id: z.string(),
  product_name: z.string(),
  price: storedPrice,
  quantity: z.string(),
  proration: z.object({ period_start: z.string(), period_end: z.string(), active_start: z.string(), active_end: z.string() }),
  /** Negative for a credit. */
  amount: z.string(),
  /** The rated line's own description (with its day count). */
  description: z.string(),
})

/** A one-off charge this invoice bills (oneOffCharges.ts). */
const recordedCharge = z.object({
  id: z.string(),
  description: z.string(),
  product_id: z.string().nullable(),
  quantity: z.string(),
  unit_amount: z.string(),
  amount: z.string(),
  charge_date: z.string(),
})

export const ratingRecordSchema = z.object({
  version: z.literal(1),
  billing_date: z.string(),
  period_index: z.number().int(),
  currency: z.string(),
  rounding_mode: z.enum(['half_up', 'half_even']),
  items: z.array(recordedItem),
  /** The rateInvoice input (items as flat fees), null when nothing but adjustments is billed. */
  invoice: z.record(z.string(), z.unknown()).nullable(),
  invoice_amount: z.string(),
  adjustments: z.array(recordedAdjustment),
  /** Only when there are some, so records rated before amendments existed hash as they did. */
  prorations: z.array(recordedProration).optional(),
  /** Only when there are some, as prorations. */
  charges: z.array(recordedCharge).optional(),
  /**
   * A threshold invoice (thresholdInvoice.ts): the scheduled invoice whose arrears period it bills
   * part of, and the contract's threshold then. `period_index` is that invoice's index, so pools
   * and explain read its items as that invoice's; the ledger files it under period −1.
   */
  threshold: z.object({ billing_date: z.string(), amount: z.string() }).optional(),
})

export type RatingRecord = z.infer<typeof ratingRecordSchema>
export type RecordedItem = RatingRecord['items'][number]
export type RecordedAdjustment = RatingRecord['adjustments'][number]
export type RecordedProration = NonNullable<RatingRecord['prorations']>[number]
export type RecordedCharge = NonNullable<RatingRecord['charges']>[number]

/**
 * Records priceInvoice built itself. Each is a `RatingRecord` by construction (TypeScript checks
 * the literal against the schema's own type), so the ledger's check of what it stores
 * (ratingDocuments.ts) does not parse these again: that zod parse per invoice was on a rating
 * run's hot path (issue 20). Any other value, a copy of one of these included, is parsed.
 */
const builtRecords = new WeakSet<object>()

/** Marks a record rating built (priceInvoice) and returns it. */
export function builtRecord(record: RatingRecord): RatingRecord {
  builtRecords.add(record)
  return record
}

/** Whether `value` is a record priceInvoice built, not a value from elsewhere that needs its parse. */
export function isBuiltRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && builtRecords.has(value)
}

/** The record an invoice was rated with; an unreadable one is a defect, reported with the invoice id. */
export function readRatingRecord(invoice: Pick<Invoice, 'id' | 'ratingInput'>): RatingRecord {
  const parsed = ratingRecordSchema.safeParse(invoice.ratingInput)
  if (!parsed.success) throw new Error(`invoice ${invoice.id} has a rating record rating cannot read: ${parsed.error.message}`)
  return parsed.data
}
