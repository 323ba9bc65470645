// GET /v1/usage/unbilled: the late usage a rating run would list now as `unbilled_usage`, written
// nowhere (issue 17 bug 8). It is the run's own path, never a second computation: the same
// schedule and due invoices, the same live statuses (ratingRun.ts liveStatuses), then
// unbilledUsage.ts (contractLateUsageChecks → ONE metric run per metric version and period
// through fetchUsage → unbilledUsage). No lock is taken and nothing is written.
//
// Each row also names the invoice's display number and the last day runs look for late usage of
// it (billing date + LATE_USAGE_WINDOW_DAYS, in the contract's zone): the worked example of
// unbilledUsage.ts (billed 100, now 130 on the invoice of 2026-02-01) is listed until 2026-03-07.
import type { RatingStore } from '../../ledger/ratingStore.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { dueInvoices } from './billingSchedule.ts'
import type { QuantitySource } from './quantitySource.ts'
import { fetchUsage } from './rateScheduledInvoice.ts'
import { liveStatuses, scheduleOf } from './ratingRun.ts'
import { checkedMetrics, LATE_USAGE_WINDOW_DAYS, contractLateUsageChecks, unbilledUsage, type LateUsageCheck, type UnbilledUsage } from './unbilledUsage.ts'

export interface UnbilledUsageQueryDeps {
  ledger: Pick<RatingStore, 'contracts' | 'invoices'>
  quantities: QuantitySource
}

export interface UnbilledUsageQuery {
  orgId: string
  /** The customer's external id (the `customer_id` its events carry). */
  customerId?: string
  /** One contract; unknown (or another organisation's) is the ledger's 404 `contract_not_found`. */
  contractId?: string
  /** "Now": what a run at this instant would list. */
  asOf: Date
  /** Contracts per page; each page shares its metric runs, as a run's does. */
  pageSize?: number
}

export interface UnbilledUsageRow extends UnbilledUsage {
  /** The contract's customer (external id). */
  customerId: string
  /** The invoice's display number (issuer prefix + number), else its number, else null. */
  invoiceNumber: string | null
  /** The last date (contract's zone) on which runs still measure the period again: billing date + LATE_USAGE_WINDOW_DAYS. */
  checkedUntil: string
}

export async function findUnbilledUsage(deps: UnbilledUsageQueryDeps, q: UnbilledUsageQuery): Promise<UnbilledUsageRow[]> {
  const { ledger } = deps
  if (q.contractId !== undefined) await ledger.contracts.get(q.orgId, q.contractId)
  const limit = q.pageSize ?? 5_000
  const out: UnbilledUsageRow[] = []
  let after: string | undefined
  for (;;) {
    const page = await ledger.contracts.list({ orgId: q.orgId, contractId: q.contractId, customerId: q.customerId, after, limit })
    if (page.length === 0) break
    after = page[page.length - 1]!.id
    const invoiceRows = await ledger.invoices.statusesForContracts(page.map((c) => c.id))
    const statuses = liveStatuses(invoiceRows)
    const checks: LateUsageCheck[] = []
    for (const contract of page) {
      const schedule = scheduleOf(contract)
      const due = dueInvoices(schedule, (date) => startOfDay(date, contract.timeZone).getTime() <= q.asOf.getTime())
      checks.push(...(await contractLateUsageChecks(ledger, { contract, schedule, due, statuses, invoiceRows, asOf: q.asOf })))
    }
    const fetched = await fetchUsage(
      deps.quantities,
      checks.map((check) => ({ contract: check.contract, items: checkedMetrics(check) })),
    )
    // A run skips what it cannot measure and says so elsewhere; a query that answered "nothing" then would hide it.
    for (const check of checks) {
      const failed = fetched.failure(check.contract, checkedMetrics(check))
      if (failed !== undefined)
        throw new UnavailableError('metric_unavailable', `late usage of invoice ${check.invoice.id} could not be measured: ${failed}`, 30)
    }
    for (const u of unbilledUsage(checks, fetched)) {
      const { invoice, contract } = checks.find((c) => c.invoice.id === u.invoiceId)!
      out.push({
        ...u,
        customerId: contract.customerExternalId,
        invoiceNumber: invoice.displayNumber ?? (invoice.number === null ? null : String(invoice.number)),
        checkedUntil: addDays(u.billingDate, LATE_USAGE_WINDOW_DAYS),
      })
    }
    if (page.length < limit) break
  }
  return out
}
