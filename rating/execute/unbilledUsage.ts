// Late usage no invoice will bill (issue 17). Usage that arrives after a period's invoice is final
// is billed as an adjustment by the next invoice of the contract while that one is a draft
// (priceInvoice.ts). When there is no next invoice (the contract ended) or it is final too, no
// run bills it; runs report it instead, so it is never lost without a trace: each finalized
// invoice whose arrears period may still get late usage (its billing date at most
// LATE_USAGE_WINDOW_DAYS days ago, the window Metronome and Orb give late events) is measured
// again, and what differs from the quantity billed (its own, or the last adjustment a later final
// invoice billed for it) is listed per contract, invoice, product and metric.
//
// Worked example (test/rating/unbilledLateUsageSuite.ts): a January-only contract bills 100 calls
// on its last invoice, dated 2026-02-01; 30 calls of January 20th arrive on February 8th. A run
// on February 10th lists billed 100, now 130; from 2026-03-08 (2026-02-01 + 34 days has passed) it
// no longer looks.
import type { Contract, Invoice, RatingStore } from '../../ledger/ratingStore.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { adjustmentsBilled } from './billedForPeriod.ts'
import { scheduledInvoice, type Schedule, type ScheduledInvoice } from './billingSchedule.ts'
import { canonicalJson, type PlannedItem } from './invoicePlan.ts'
import { usageFields, usageText } from './priceInvoice.ts'
import type { FetchedUsage } from './rateScheduledInvoice.ts'
import { readRatingRecord, type RecordedItem } from './ratingRecord.ts'
import { remeasured } from './thresholdNetting.ts'

/** Days after an invoice's billing date during which runs look for late usage of its arrears period. */
export const LATE_USAGE_WINDOW_DAYS = 34

export interface UnbilledUsage {
  contractId: string
  /** The finalized invoice that billed the period. */
  invoiceId: string
  billingDate: string
  product: string
  metric: string
  metricVersion: number
  periodStart: string
  periodEnd: string
  /** What was billed (the invoice's quantity, or the last adjustment's); `by dimension` for matrix prices, `N transactions totalling X` for per-transaction ones. */
  billedQuantity: string
  quantity: string
}

/** A finalized invoice to measure again, with the later final invoice that may hold adjustments of it. */
export interface LateUsageCheck {
  contract: Contract
  invoice: Invoice
  later: Invoice[]
  items: (RecordedItem & { metric: NonNullable<RecordedItem['metric']> })[]
}

const FINAL = new Set(['finalized', 'paid'])

/**
 * Billing dates of the contract's due invoices that are final, inside the window, and whose next
 * invoice is final too or will never exist: late usage of them would be billed by nobody.
 */
export function unreachedBillingDates(opts: {
  contract: Contract
  schedule: Schedule
  due: readonly ScheduledInvoice[]
  statusOf: (billingDate: string) => string | undefined
  asOf: Date
}): string[] {
  const out: string[] = []
  opts.due.forEach((s, j) => {
    if (s.arrears === null || !FINAL.has(opts.statusOf(s.billingDate) ?? '')) return
    if (startOfDay(addDays(s.billingDate, LATE_USAGE_WINDOW_DAYS + 1), opts.contract.timeZone).getTime() <= opts.asOf.getTime()) return
    const next = opts.due[j + 1]
    // A next invoice not yet final (or not yet due) prices late usage of this one as an adjustment.
    if (next ? !FINAL.has(opts.statusOf(next.billingDate) ?? '') : scheduledInvoice(opts.schedule, s.index + 1) !== null) return
    out.push(s.billingDate)
  })
  return out
}

/** Reads the invoices of the unreached billing dates and their metered arrears items. */
export async function lateUsageChecks(
  ledger: Pick<RatingStore, 'invoices'>,
  contract: Contract,
  billingDates: readonly string[],
  liveIds: readonly { id: string; billingDate: string; status: string }[],
): Promise<LateUsageCheck[]> {
  const checks: LateUsageCheck[] = []
  for (const billingDate of billingDates) {
    const ids = liveIds.filter((i) => i.billingDate >= billingDate && FINAL.has(i.status)).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
    const invoices = await Promise.all(ids.map((i) => ledger.invoices.get(contract.orgId, i.id)))
    const invoice = invoices.find((i) => i.billingDate === billingDate)!
    const items = readRatingRecord(invoice).items.filter((i): i is LateUsageCheck['items'][number] => i.timing === 'in_arrears' && i.metric !== null)
    if (items.length > 0) checks.push({ contract, invoice, later: invoices.filter((i) => i.billingDate > billingDate), items })
  }
  return checks
}

/** The checks of one contract as a run at `asOf` makes them (ratingRun.ts, unbilledUsageQuery.ts): its unreached billing dates' invoices. */
export async function contractLateUsageChecks(
  ledger: Pick<RatingStore, 'invoices'>,
  opts: {
    contract: Contract
    schedule: Schedule
    due: readonly ScheduledInvoice[]
    /** Per `contractId|billingDate` the live invoice's status (ratingRun.ts liveStatuses). */
    statuses: ReadonlyMap<string, string>
    invoiceRows: readonly { id: string; contractId: string; billingDate: string; status: string }[]
    asOf: Date
  },
): Promise<LateUsageCheck[]> {
  const { contract } = opts
  const statusOf = (billingDate: string) => opts.statuses.get(`${contract.id}|${billingDate}`)
  const unreached = unreachedBillingDates({ contract, schedule: opts.schedule, due: opts.due, statusOf, asOf: opts.asOf })
  if (unreached.length === 0) return []
  return lateUsageChecks(
    ledger,
    contract,
    unreached,
    opts.invoiceRows.filter((i) => i.contractId === contract.id),
  )
}

/** The metric windows a check measures, in the shape fetchUsage takes. */
export function checkedMetrics(check: LateUsageCheck): Pick<PlannedItem, 'metric'>[] {
  return check.items.map((i) => ({ metric: { name: i.metric.name, version: i.metric.version, start: new Date(i.metric.start), end: new Date(i.metric.end) } }))
}

/** What each check's items measure now against what was billed for them. */
export function unbilledUsage(checks: readonly LateUsageCheck[], fetched: FetchedUsage): UnbilledUsage[] {
  const out: UnbilledUsage[] = []
  for (const check of checks) {
    if (fetched.failure(check.contract, checkedMetrics(check)) !== undefined) continue
    const adjusted = adjustmentsBilled(check.later, check.invoice.billingDate)
    for (const item of check.items) {
      const billed = adjusted.filter((a) => a.adjustment.item_id === item.id).at(-1)?.adjustment.usage ?? item.usage
      const now = remeasured(usageFields(item.price, { quantity: null }, fetched.usageFor(check.contract, item.metric)), item.usage)
      if (canonicalJson(now) === canonicalJson(billed)) continue
      out.push({
        contractId: check.contract.id,
        invoiceId: check.invoice.id,
        billingDate: check.invoice.billingDate,
        product: item.product_name,
        metric: item.metric.name,
        metricVersion: item.metric.version,
        periodStart: item.segment.start,
        periodEnd: item.segment.end,
        billedQuantity: usageText(billed),
        quantity: usageText(now),
      })
    }
  }
  return out
}
