// The rating job. For every contract invoice that is due (its billing date has begun in the
// contract's zone: compute/calendar/zonedBoundary.ts) and not yet final:
//   plan   – items per product and phase segment (pure, invoicePlan.ts);
//   fetch  – ONE metric run per (metric version, period) for all customers of the page that
//            need it (QuantitySource), never one query per customer;
//   price  – rating/compute through priceInvoice.ts (pure);
//   write  – per contract, in one transaction holding the contract's row lock: create or
//            replace the draft (unique per contract and billing date, content-hashed, so a
//            re-run writes nothing), and once the grace period is over, finalize it with the
//            next gap-free number.
// A failure of one metric run or one contract is reported in the summary and skips only
// what depended on it.
import type { Contract, CurrencyTable, Product, RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { resolveCurrency } from '../compute/currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { formatMoney } from '../compute/rounding.ts'
import { scheduledInvoice, dueInvoices, type Schedule, type ScheduledInvoice } from './billingSchedule.ts'
import { advanceItemsOf, planInvoice } from './invoicePlan.ts'
import { attachCharges } from './oneOffCharges.ts'
import type { QuantitySource } from './quantitySource.ts'
import { currencyTablesOf, fetchUsage, type Work } from './rateScheduledInvoice.ts'
import type { ContractResult } from './rateContract.ts'
import { DEFAULT_CHUNK_SIZE, rateChunk } from './ratingChunk.ts'
import { planThreshold, type ThresholdWork } from './thresholdInvoice.ts'
import { checkedMetrics, contractLateUsageChecks, unbilledUsage, type LateUsageCheck, type UnbilledUsage } from './unbilledUsage.ts'

export interface RatingRunOptions {
  orgId?: string
  contractId?: string
  /** Invoices dated up to this instant are due; also "now" for the grace period. */
  asOf: Date
  /** `YYYY-MM`: only the invoices that bill that month (periodFilter: the last day of the first period each bills is in it). */
  period?: string
  /** Hours after the billing date during which drafts are re-rated before finalization. */
  graceHours: number
  /** Contracts per page; each page shares its metric runs. */
  pageSize?: number
  /** Contracts per transaction: their drafts and lines are written in multi-row statements (ratingChunk.ts). */
  chunkSize?: number
  /** After each contract (its chunk may not be written yet), and after each page is planned. */
  onProgress?: (progress: RatingProgress) => void
  /**
   * Stops the run between two contracts (shutdown). Each contract is written in its own
   * transaction, so a stopped run leaves every contract either rated or untouched; the next
   * run carries on where this one stopped.
   */
  signal?: AbortSignal
}

/** A run's counters while it runs (`tally rate` prints them: app/cli/commands/rate.ts). */
export interface RatingProgress {
  /** Contracts read so far (whole pages). */
  contracts: number
  /** Invoices written or finalized so far. */
  invoices: number
  /** Contracts done: rated, found with nothing to do, skipped or failed. */
  done: number
  /** Contracts the run will see (counted when it starts). */
  total: number
  elapsedMs: number
}

export interface RatingSummary {
  asOf: string
  contracts: number
  contractsRated: number
  /** `heldForReview`: drafts past their grace that the run leaves for a person (heldForReview). */
  invoices: { created: number; updated: number; unchanged: number; finalized: number; alreadyFinal: number; heldForReview: number }
  /** Sum of the totals of the invoices this run created, updated or finalized, by currency. */
  totals: Record<string, string>
  metricRuns: number
  adjustments: { contractId: string; invoiceId: string; ofInvoice: string; product: string; delta: string; currency: string }[]
  skipped: { contractId: string; billingDate?: string; reason: string }[]
  /** Late usage of finalized invoices that no invoice will bill (unbilledUsage.ts). */
  unbilledUsage: UnbilledUsage[]
  /** Present when `signal` stopped the run before every contract was seen. */
  interrupted?: true
}

export interface RatingDeps {
  ledger: RatingStore
  quantities: QuantitySource
  /** When the run happens: stamps drafts (`rated_at`) and finalizations; `asOf` decides what is due. */
  clock: Clock
}

/** Statuses of a live invoice that a run leaves alone (a void one is not live: see planContract). */
const FINAL = new Set(['finalized', 'paid'])

/**
 * `period` (`YYYY-MM`) selects the invoices that bill that month: each is filed under the month of
 * the last day of the first period it bills, its arrears period, or the opening invoice's advance
 * period. A contract from 2026-01-01 files its invoices dated 2026-01-01 (January in advance) and
 * 2026-02-01 (January in arrears) under 2026-01.
 */
function periodFilter(period: string | undefined): (scheduled: ScheduledInvoice) => boolean {
  if (period === undefined) return () => true
  return (scheduled) => {
    const billed = scheduled.arrears ?? scheduled.advance
    return addDays(billed ? billed.period.end : scheduled.billingDate, -1).slice(0, 7) === period
  }
}

export async function runRating(deps: RatingDeps, opts: RatingRunOptions): Promise<RatingSummary> {
  const summary: RatingSummary = {
    asOf: opts.asOf.toISOString(),
    contracts: 0,
    contractsRated: 0,
    invoices: { created: 0, updated: 0, unchanged: 0, finalized: 0, alreadyFinal: 0, heldForReview: 0 },
    totals: {},
    metricRuns: 0,
    adjustments: [],
    skipped: [],
    unbilledUsage: [],
  }
  const inPeriod = periodFilter(opts.period)
  // In the currency's minor units ("325.00", not "325"), like every amount the ledger shows.
  // NOTE: totals are keyed by code; a run over every organisation adds up two organisations'
  // custom currencies of one code (each declared its own), as it adds up their USD.
  const addTotal = (currency: string, amount: string, currencies: CurrencyTable) => {
    summary.totals[currency] = formatMoney(new Dec(summary.totals[currency] ?? '0').plus(amount), resolveCurrency(currency, currencies))
  }
  // Progress: contracts done (rated, skipped or failed) of `total`, counted as each is priced.
  const total = opts.onProgress ? await deps.ledger.contracts.count({ orgId: opts.orgId, contractId: opts.contractId }) : 0
  const started = performance.now()
  let done = 0
  let invoicesTouched = 0
  const report = (doneNow: number, pending: readonly ContractResult[] = []) =>
    opts.onProgress?.({
      contracts: summary.contracts,
      invoices: invoicesTouched + pending.reduce((n, r) => n + r.touched, 0),
      done: doneNow,
      total: Math.max(total, summary.contracts),
      elapsedMs: performance.now() - started,
    })
  const addResult = (r: ContractResult, currencies: CurrencyTable) => {
    for (const [key, n] of Object.entries(r.invoices)) summary.invoices[key as keyof RatingSummary['invoices']] += n
    for (const t of r.totals) addTotal(t.currency, t.amount, currencies)
    summary.adjustments.push(...r.adjustments)
    summary.skipped.push(...r.skipped)
    if (r.touched > 0) summary.contractsRated++
  }
  let after: string | undefined
  for (;;) {
    if (opts.signal?.aborted) {
      summary.interrupted = true
      break
    }
    const page = await deps.ledger.contracts.list({ orgId: opts.orgId, contractId: opts.contractId, after, limit: opts.pageSize ?? 5_000 })
    if (page.length === 0) break
    after = page[page.length - 1]!.id
    summary.contracts += page.length

    // Plan.
    const invoiceRows = await deps.ledger.invoices.statusesForContracts(page.map((c) => c.id))
    const statuses = liveStatuses(invoiceRows)
    const products = await productsOf(deps.ledger, page)
    const currencyTables = await currencyTablesOf(deps.ledger, page)
    const plans = new Map<string, Work[]>()
    // Open periods whose usage may reach a contract's threshold (thresholdInvoice.ts); not on runs of one `period`.
    const thresholds = new Map<string, ThresholdWork>()
    const lateChecks: LateUsageCheck[] = []
    for (const contract of page) {
      try {
        const schedule = scheduleOf(contract)
        const due = dueInvoices(schedule, (date) => startOfDay(date, contract.timeZone).getTime() <= opts.asOf.getTime())
        const work = planContract(contract, due, products, statuses, inPeriod, summary)
        if (work.length > 0) plans.set(contract.id, work)
        const threshold = opts.period === undefined ? planThreshold({ contract, schedule, products, asOf: opts.asOf }) : null
        if (threshold) thresholds.set(contract.id, threshold)
        lateChecks.push(...(await contractLateUsageChecks(deps.ledger, { contract, schedule, due, statuses, invoiceRows, asOf: opts.asOf })))
      } catch (err) {
        summary.skipped.push({ contractId: contract.id, reason: `planning failed: ${(err as Error).message}` })
      }
    }

    await attachCharges(
      deps.ledger,
      page.filter((c) => plans.has(c.id)).map((contract) => ({ contract, work: plans.get(contract.id)! })),
    )

    // Fetch: one run per metric version and period, for every customer that needs it.
    const fetched = await fetchUsage(deps.quantities, [
      ...page.flatMap((contract) => (plans.get(contract.id) ?? []).map((w) => ({ contract, items: [...w.items, ...(w.previous?.items ?? [])] }))),
      ...lateChecks.map((check) => ({ contract: check.contract, items: checkedMetrics(check) })),
      ...page.flatMap((contract) => (thresholds.has(contract.id) ? [{ contract, items: thresholds.get(contract.id)!.items }] : [])),
    ])
    summary.metricRuns += fetched.runs
    summary.unbilledUsage.push(...unbilledUsage(lateChecks, fetched))

    // Price and write, a chunk of contracts per transaction (ratingChunk.ts).
    const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK_SIZE)
    const withWork = page
      .filter((c) => plans.has(c.id) || thresholds.has(c.id))
      .map((contract) => ({
        contract,
        work: plans.get(contract.id) ?? [],
        threshold: thresholds.get(contract.id) ?? null,
        currencies: currencyTables.get(contract.orgId)!,
      }))
    done += page.length - withWork.length
    for (let at = 0; at < withWork.length; at += chunkSize) {
      if (opts.signal?.aborted) {
        summary.interrupted = true
        return summary
      }
      const chunk = withWork.slice(at, at + chunkSize)
      const outcome = await rateChunk({
        ledger: deps.ledger,
        contracts: chunk,
        fetched,
        graceHours: opts.graceHours,
        asOf: opts.asOf,
        now: () => deps.clock.now(),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onContract: (results) => report(done + results.length, results),
      })
      for (const r of outcome.results) {
        addResult(r, chunk.find((c) => c.contract.id === r.contractId)!.currencies)
        invoicesTouched += r.touched
      }
      done += outcome.results.length
      if (outcome.interrupted) {
        summary.interrupted = true
        return summary
      }
    }
    if (page.length < (opts.pageSize ?? 5_000)) break
  }
  return summary
}

/** Per `contractId|billingDate` the live invoice's status; 'void' only when every invoice of that date is void. */
export function liveStatuses(rows: readonly { contractId: string; billingDate: string; status: string }[]): Map<string, string> {
  const statuses = new Map<string, string>()
  for (const s of rows) {
    const key = `${s.contractId}|${s.billingDate}`
    if (s.status !== 'void' || !statuses.has(key)) statuses.set(key, s.status)
  }
  return statuses
}

export async function productsOf(ledger: Pick<RatingStore, 'products'>, contracts: readonly Contract[]): Promise<Map<string, Product>> {
  const byOrg = new Map<string, Set<string>>()
  for (const c of contracts) {
    const ids = byOrg.get(c.orgId) ?? new Set<string>()
    for (const p of c.phases) for (const i of p.items) ids.add(i.product_id)
    byOrg.set(c.orgId, ids)
  }
  const out = new Map<string, Product>()
  for (const [orgId, ids] of byOrg) for (const [id, p] of await ledger.products.getMany(orgId, [...ids])) out.set(id, p)
  return out
}

/** The contract's billing schedule (billingSchedule.ts). */
export function scheduleOf(contract: Contract): Schedule {
  return { startDate: contract.startDate, endDate: contract.endDate, cadence: contract.cadence, anchorDay: contract.anchorDay, renewal: contract.renewal }
}

function planContract(
  contract: Contract,
  due: readonly ScheduledInvoice[],
  products: Map<string, Product>,
  statuses: Map<string, string>,
  inPeriod: (scheduled: ScheduledInvoice) => boolean,
  summary: RatingSummary,
): Work[] {
  const work: Work[] = []
  for (const scheduled of due) {
    if (!inPeriod(scheduled)) continue
    const status = statuses.get(`${contract.id}|${scheduled.billingDate}`)
    // A void may mean "do not bill this": a voided period is billed again only by a reissue.
    if (status === 'void') {
      summary.skipped.push({ contractId: contract.id, billingDate: scheduled.billingDate, reason: 'period_voided' })
      continue
    }
    if (status !== undefined && FINAL.has(status)) {
      summary.invoices.alreadyFinal++
      continue
    }
    work.push(planWork(contract, products, scheduled, (billingDate) => statuses.get(`${contract.id}|${billingDate}`)))
  }
  return work
}

/**
 * The items of one scheduled invoice, and the previous invoice's metered arrears items when that
 * invoice is final (late usage on it is billed as an adjustment). `statusOf` gives the live
 * invoice's status of a billing date ('void' when there is none but a void one).
 */
export function planWork(
  contract: Contract,
  products: Map<string, Product>,
  scheduled: ScheduledInvoice,
  statusOf: (billingDate: string) => string | undefined,
): Work {
  const schedule = scheduleOf(contract)
  const prevScheduled = scheduled.index > 0 ? scheduledInvoice(schedule, scheduled.index - 1) : null
  const prevStatus = prevScheduled ? statusOf(prevScheduled.billingDate) : undefined
  const previous =
    prevScheduled && (prevStatus === 'finalized' || prevStatus === 'paid')
      ? { billingDate: prevScheduled.billingDate, items: planInvoice(contract, products, prevScheduled).filter((i) => i.timing === 'in_arrears' && i.metric) }
      : null
  return {
    scheduled,
    items: planInvoice(contract, products, scheduled),
    previous,
    advanceOfArrears: scheduled.arrears ? advanceItemsOf(contract, products, scheduled.arrears) : [],
    charges: [],
  }
}
