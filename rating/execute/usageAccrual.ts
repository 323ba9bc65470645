// What a month's close accrues of usage recognised as consumed (ledger/accounting/usageAccruals.ts
// posts it): for each contract with arrears items of the accruing products, the usage charge of
// the billing period open at the month's end, from the period's start to the month's end.
//
// It is the rating run's own path cut short, never a second pricing: the scheduled invoice whose
// arrears period holds the month's last day (billingSchedule.ts), its items (invoicePlan.ts)
// with each metric window ending at the first instant of the next month (UTC) when that comes
// first, ONE metric run per metric version and window for all customers (fetchUsage), and each
// item rated as the invoice rates it (rateItem, with its own proration). The contract's terms
// (discounts, commitments, credits) are left out: they post when the invoice does, as contra
// revenue or credits, and the accrual is the usage revenue alone.
//
// A contract whose invoice for that period is finalized, paid or void is skipped: its usage is
// billed (or is not to be billed), so there is nothing to accrue. The ledger checks the final
// invoice again inside the close's lock, since one may be finalized in between.
//
// Worked example (test/rating/usageAccrual.test.ts): a monthly contract anchored on the 15th,
// usage at 0.10 a unit, 1,234 units from 15 to 30 November: closing November gives 123.40 for the
// period [2026-11-15, 2026-12-15).
import type { Contract, RatingStore, UsageAccrualSource, UsageToDate } from '../../ledger/ratingStore.ts'
import { Dec } from '../../platform/decimal.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import { inlineCurrency, resolveCurrency, withInlineCurrency } from '../compute/currency.ts'
import { invoicePools } from '../compute/freeUnitPool.ts'
import { formatMoney } from '../compute/rounding.ts'
import { dueInvoices, scheduledInvoice, type ScheduledInvoice } from './billingSchedule.ts'
import { poolUsage } from './freeUnitPools.ts'
import { planInvoice, prorationOf, type PlannedItem } from './invoicePlan.ts'
import { rateItem, usageFields } from './priceInvoice.ts'
import type { QuantitySource } from './quantitySource.ts'
import { currencyTablesOf, fetchUsage } from './rateScheduledInvoice.ts'
import { thresholdBilled } from './thresholdInvoice.ts'
import { onTopOf } from './thresholdNetting.ts'
import { productsOf, scheduleOf } from './ratingRun.ts'

export interface UsageAccrualDeps {
  ledger: Pick<RatingStore, 'contracts' | 'products' | 'invoices' | 'currencies'>
  quantities: QuantitySource
  /** Contracts per page; each page shares its metric runs. */
  pageSize?: number
}

/** A billing period whose invoice may still bill usage: no live invoice, or a draft. */
const BILLED = new Set(['finalized', 'paid', 'void'])

/** The scheduled invoice billing in arrears the period that holds `date` (`YYYY-MM-DD`); null before the first period or after the contract's end. */
export function coveringInvoice(contract: Contract, date: string): ScheduledInvoice | null {
  const schedule = scheduleOf(contract)
  const covering = scheduledInvoice(schedule, dueInvoices(schedule, (billingDate) => billingDate <= date).length)
  return covering?.arrears && covering.arrears.active.start <= date ? covering : null
}

/** The UsageAccrualSource a close is given by the composition root. 503 `metric_unavailable` when a metric run fails: nothing is closed. */
export function usageAccrualSource(deps: UsageAccrualDeps): UsageAccrualSource {
  return async ({ orgId, period, productIds }) => {
    const cut = new Date(`${period}-01T00:00:00Z`)
    cut.setUTCMonth(cut.getUTCMonth() + 1)
    const monthEnd = addDays(cut.toISOString().slice(0, 10), -1)
    const out: UsageToDate[] = []
    const pageSize = deps.pageSize ?? 5_000
    for (let after: string | undefined; ;) {
      const page = await deps.ledger.contracts.list({ orgId, after, limit: pageSize })
      if (page.length === 0) break
      after = page[page.length - 1]!.id
      out.push(...(await accruePage(deps, page, { monthEnd, cut, productIds: new Set(productIds) })))
      if (page.length < pageSize) break
    }
    return out
  }
}

async function accruePage(
  deps: UsageAccrualDeps,
  page: readonly Contract[],
  at: { monthEnd: string; cut: Date; productIds: ReadonlySet<string> },
): Promise<UsageToDate[]> {
  const statuses = new Map<string, string>()
  const invoices = await deps.ledger.invoices.statusesForContracts(page.map((c) => c.id))
  for (const s of invoices) {
    const key = `${s.contractId}|${s.billingDate}`
    if (s.status !== 'void' || !statuses.has(key)) statuses.set(key, s.status)
  }
  const products = await productsOf(deps.ledger, page)
  const work: { contract: Contract; covering: ScheduledInvoice; since: string; items: PlannedItem[] }[] = []
  for (const contract of page) {
    const covering = coveringInvoice(contract, at.monthEnd)
    if (covering === null || BILLED.has(statuses.get(`${contract.id}|${covering.billingDate}`) ?? '')) continue
    const items = planInvoice(contract, products, covering)
      .filter((i) => i.timing === 'in_arrears' && i.metric !== null && at.productIds.has(i.productId) && i.metric.start < at.cut)
      .map((i) => ({ ...i, metric: { ...i.metric!, end: i.metric!.end < at.cut ? i.metric!.end : at.cut } }))
    if (items.length > 0) work.push({ contract, covering, since: covering.arrears!.active.start, items })
  }
  const fetched = await fetchUsage(deps.quantities, work)
  const currencyTables = await currencyTablesOf(deps.ledger, page)
  const out: UsageToDate[] = []
  for (const { contract, covering, since, items } of work) {
    const failed = fetched.failure(contract, items)
    if (failed !== undefined) throw new UnavailableError('metric_unavailable', `usage of contract ${contract.id} could not be accrued: ${failed}`, 30)
    const currencies = currencyTables.get(contract.orgId)!
    const mode = contract.terms.rounding_mode ?? 'half_up'
    const byProduct = new Map<string, Dec>()
    // A pooled price draws from what the contract's live invoices of earlier periods left, as its
    // invoice will; usage that threshold invoices of the period billed by the month's end (dated
    // inside it: their revenue is posted) is not accrued again (thresholdInvoice.ts).
    const pooled = items.some((i) => i.price.free_units_pool !== undefined)
    const withinPeriod = (date: string) => date > covering.arrears!.period.start && date <= at.monthEnd
    const earlier = await Promise.all(
      invoices
        .filter((i) => i.contractId === contract.id && i.status !== 'void' && i.billingDate < covering.billingDate && (pooled || withinPeriod(i.billingDate)))
        .map((i) => deps.ledger.invoices.get(contract.orgId, i.id)),
    )
    const pools = invoicePools(pooled && earlier.length > 0 ? poolUsage(earlier, covering) : undefined)
    const billed = thresholdBilled(
      earlier.filter((i) => withinPeriod(i.billingDate)),
      covering.index,
    )
    for (const planned of items) {
      const item = pools.priced({ ...planned, price: withInlineCurrency(planned.price, currencies) })
      const earlierItem = billed.get(item.id)
      const usage = onTopOf(usageFields(item.price, item, fetched.usageFor(contract, item.metric!)), earlierItem?.quantity)
      const billedBefore = earlierItem && usage.billed_quantity !== undefined ? { billed_before: earlierItem.invoices } : {}
      const rated = rateItem({ price: item.price, usage, proration: prorationOf(item) ?? null, ...billedBefore }, mode)
      pools.drew(item, rated.poolDrawn)
      byProduct.set(item.productId, (byProduct.get(item.productId) ?? new Dec(0)).plus(rated.amount))
    }
    const currency = resolveCurrency(inlineCurrency(contract.currency, currencies))
    for (const [productId, amount] of byProduct) {
      out.push({
        contractId: contract.id,
        customerId: contract.customerId,
        productId,
        currency: contract.currency,
        since,
        amount: formatMoney(amount, currency),
      })
    }
  }
  return out
}
