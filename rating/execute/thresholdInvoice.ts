// Threshold invoices (compute/thresholdBilling.ts): a run, for a contract with
// `terms.threshold_billing`, prices the metered arrears items of the upcoming scheduled invoice
// from the run's own metric runs (the same windows, so the same quantities the scheduled invoice
// will read), each on top of what the period's live threshold invoices already billed of it, and
// when that unbilled amount reaches the threshold writes and finalizes an invoice for it at once.
//   - Dated the run's day in the contract's zone, filed under period −1 in the ledger (like an
//     invoice_now charge: nothing that reads the schedule's periods takes it for a scheduled
//     invoice); its record's `period_index` and `threshold.billing_date` name the scheduled
//     invoice it runs ahead of, so free-unit pools count its draws in its period.
//   - Idempotent: evaluated under the contract's row lock from the invoices as of the lock, and a
//     crossing once billed is in `billed_quantity`, so a second run (or two at once) finds nothing
//     unbilled. One live invoice per contract and date: a second crossing on a day that already has
//     an invoice waits for the next run on a later day (reported in the summary's `skipped`).
//   - The scheduled invoice nets them (priceInvoice `thresholdBilled`): each item's usage is
//     `{ quantity: q − B, billed_quantity: B }`, B the quantity its live threshold invoices billed,
//     and `billed_before` names them (explain shows them). A void threshold invoice bills nothing:
//     its usage goes back to the next invoice that rates the item (thresholdNetting.ts).
// Only single-quantity prices are netted; per-transaction and dimensional items wait for the
// scheduled invoice (no threshold invoice bills them).
import type { Contract, ContractRatingSession, CurrencyTable, Invoice, Product } from '../../ledger/ratingStore.ts'
import { Dec } from '../../platform/decimal.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { zonedToday } from '../compute/calendar/zonedToday.ts'
import { thresholdBillingSchema, thresholdReached, type ThresholdBilling } from '../compute/thresholdBilling.ts'
import { dueInvoices, scheduledInvoice, type Schedule, type ScheduledInvoice } from './billingSchedule.ts'
import { AD_HOC_PERIOD_INDEX, writeAdHocInvoice } from './adHocInvoice.ts'
import { poolUsage } from './freeUnitPools.ts'
import { planInvoice, type PlannedItem } from './invoicePlan.ts'
import { priceInvoice, usageFields, type PricedInvoice } from './priceInvoice.ts'
import type { CustomerUsage } from './quantitySource.ts'
import { readRatingRecord, type RecordedItem } from './ratingRecord.ts'

/** What the period's live threshold invoices billed of each item (by item id): the quantity B and the invoices. */
export type ThresholdBilled = ReadonlyMap<string, ThresholdBilledItem>
export interface ThresholdBilledItem {
  quantity: string
  invoices: NonNullable<RecordedItem['billed_before']>
}

/** A contract's threshold, read from its stored terms through the schema (undefined: none). */
export function thresholdOf(contract: Pick<Contract, 'terms'>): ThresholdBilling | undefined {
  const value = (contract.terms as Record<string, unknown>).threshold_billing
  return value === undefined ? undefined : thresholdBillingSchema.parse(value)
}

/** What the live threshold invoices of scheduled invoice `index`'s period billed, per item. */
export function thresholdBilled(known: readonly Invoice[], index: number): ThresholdBilled {
  const out = new Map<string, ThresholdBilledItem>()
  for (const invoice of known) {
    if (invoice.periodIndex !== AD_HOC_PERIOD_INDEX || invoice.status === 'void') continue
    const record = readRatingRecord(invoice)
    if (!record.threshold || record.period_index !== index) continue
    for (const item of record.items) {
      const billed = new Dec(item.usage.quantity ?? '0')
      const was = out.get(item.id) ?? { quantity: item.usage.billed_quantity ?? '0', invoices: [] }
      // B after this invoice: what it was rated on top of plus what it added (invoices arrive in date order).
      const quantity = Dec.max(new Dec(was.quantity), new Dec(item.usage.billed_quantity ?? '0').plus(billed)).toFixed()
      out.set(item.id, {
        quantity,
        invoices: [...was.invoices, { invoice_id: invoice.id, number: invoice.number, quantity: billed.toFixed(), amount: item.amount }],
      })
    }
  }
  return out
}

/** The upcoming scheduled invoice at `asOf` and its metered single-quantity arrears items: what a threshold invoice may bill. */
export interface ThresholdWork {
  threshold: ThresholdBilling
  upcoming: ScheduledInvoice
  /** The run's day in the contract's zone: the threshold invoice's date. */
  date: string
  items: PlannedItem[]
}

export function planThreshold(input: { contract: Contract; schedule: Schedule; products: Map<string, Product>; asOf: Date }): ThresholdWork | null {
  const { contract, schedule, products, asOf } = input
  const threshold = thresholdOf(contract)
  if (!threshold) return null
  const due = dueInvoices(schedule, (date) => startOfDay(date, contract.timeZone).getTime() <= asOf.getTime())
  const upcoming = scheduledInvoice(schedule, due.length)
  if (!upcoming?.arrears) return null
  const items = planInvoice(contract, products, upcoming).filter(
    (i) => i.timing === 'in_arrears' && i.metric && usageFields(i.price, i, undefined).quantity !== undefined,
  )
  return items.length > 0 ? { threshold, upcoming, date: zonedToday(asOf, contract.timeZone), items } : null
}

/** The threshold invoice the usage so far would bill (written nowhere): every item on top of what the period's threshold invoices billed. */
export function priceThreshold(input: {
  contract: Contract
  work: ThresholdWork
  known: readonly Invoice[]
  usageOf: (item: PlannedItem) => CustomerUsage | undefined
  currencies: CurrencyTable
}): PricedInvoice {
  const { contract, work } = input
  // Usage at list: discounts, credits and the rounding of the scheduled invoice's terms are not this invoice's.
  const terms = contract.terms.rounding_mode ? { rounding_mode: contract.terms.rounding_mode } : {}
  const priced = priceInvoice({
    contract: { ...contract, terms },
    scheduled: { index: work.upcoming.index, billingDate: work.date, arrears: null, advance: null },
    items: work.items,
    usageOf: input.usageOf,
    credits: [],
    previous: null,
    billedBefore: '0',
    billedElsewhere: [],
    pools: poolUsage(input.known, work.upcoming),
    thresholdBilled: thresholdBilled(input.known, work.upcoming.index),
    currencies: input.currencies,
  })
  return { ...priced, record: { ...priced.record, threshold: { billing_date: work.upcoming.billingDate, amount: work.threshold.amount } } }
}

export type ThresholdOutcome = { kind: 'below'; unbilled: string } | { kind: 'date_taken'; unbilled: string } | { kind: 'invoiced'; invoice: Invoice }

/** Under the contract's lock: invoices the unbilled usage when it reaches the threshold. */
export async function rateThresholdInvoice(input: {
  session: ContractRatingSession
  contract: Contract
  work: ThresholdWork
  known: readonly Invoice[]
  usageOf: (item: PlannedItem) => CustomerUsage | undefined
  currencies: CurrencyTable
  now: Date
}): Promise<ThresholdOutcome> {
  const { contract, work, known, now } = input
  const priced = priceThreshold(input)
  if (!new Dec(priced.total).greaterThan(0) || !thresholdReached(work.threshold, priced.total)) return { kind: 'below', unbilled: priced.total }
  if (known.some((i) => i.billingDate === work.date && i.status !== 'void')) return { kind: 'date_taken', unbilled: priced.total }
  const invoice = await writeAdHocInvoice({ session: input.session, contract, date: work.date, priced, now })
  return invoice ? { kind: 'invoiced', invoice } : { kind: 'date_taken', unbilled: priced.total }
}
