// The rating job. For every contract invoice that is due (its billing date's local midnight
// has passed) and not yet final:
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
import type { Contract } from '../../ledger/contracts.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Invoice } from '../../ledger/invoices.ts'
import type { Product } from '../../ledger/products.ts'
import { resolveCurrency } from '../compute/currency.ts'
import { Dec } from '../compute/decimal.ts'
import { formatMoney } from '../compute/rounding.ts'
import { billingEvent, dueEvents, type BillingEvent } from './billingSchedule.ts'
import { planInvoice, type PlannedItem } from './invoicePlan.ts'
import { priceInvoice, type RatingRecord, type RecordedItem } from './priceInvoice.ts'
import { runKey, type CustomerUsage, type QuantitySource } from './quantitySource.ts'
import { addDays, zonedMidnight } from './zonedTime.ts'

export interface RatingRunOptions {
  orgId?: string
  contractId?: string
  /** Invoices dated up to this instant are due; also "now" for the grace period. */
  asOf: Date
  /** `YYYY-MM`: only invoices whose billed period ends in that month (its last day is in it). */
  period?: string
  /** Hours after the billing date during which drafts are re-rated before finalization. */
  graceHours: number
  /** Contracts per page; each page shares its metric runs. */
  pageSize?: number
  onProgress?: (progress: { contracts: number; invoices: number }) => void
  /**
   * Stops the run between two contracts (shutdown). Each contract is written in its own
   * transaction, so a stopped run leaves every contract either rated or untouched; the next
   * run carries on where this one stopped.
   */
  signal?: AbortSignal
}

export interface RatingSummary {
  asOf: string
  contracts: number
  contractsRated: number
  invoices: { created: number; updated: number; unchanged: number; finalized: number; alreadyFinal: number }
  /** Sum of the totals of the invoices this run created, updated or finalized, by currency. */
  totals: Record<string, string>
  metricRuns: number
  adjustments: { contractId: string; invoiceId: string; ofInvoice: string; product: string; delta: string; currency: string }[]
  skipped: { contractId: string; billingDate?: string; reason: string }[]
  /** Present when `signal` stopped the run before every contract was seen. */
  interrupted?: true
}

export interface RatingDeps {
  ledger: Ledger
  quantities: QuantitySource
  clock?: () => Date
}

interface Work {
  event: BillingEvent
  items: PlannedItem[]
  /** The previous invoice's arrears items to re-check, when it is final. */
  previous: { billingDate: string; items: PlannedItem[] } | null
}

const FINAL = new Set(['finalized', 'paid', 'void'])

function periodFilter(period: string | undefined): (billingDate: string) => boolean {
  if (period === undefined) return () => true
  return (billingDate) => addDays(billingDate, -1).slice(0, 7) === period
}

export async function runRating(deps: RatingDeps, opts: RatingRunOptions): Promise<RatingSummary> {
  const clock = deps.clock ?? (() => new Date())
  const summary: RatingSummary = {
    asOf: opts.asOf.toISOString(),
    contracts: 0,
    contractsRated: 0,
    invoices: { created: 0, updated: 0, unchanged: 0, finalized: 0, alreadyFinal: 0 },
    totals: {},
    metricRuns: 0,
    adjustments: [],
    skipped: [],
  }
  const inPeriod = periodFilter(opts.period)
  // In the currency's minor units ("325.00", not "325"), like every amount the ledger shows.
  const addTotal = (currency: string, amount: string) => {
    summary.totals[currency] = formatMoney(new Dec(summary.totals[currency] ?? '0').plus(amount), resolveCurrency(currency))
  }
  let after: string | undefined
  let invoicesTouched = 0
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
    const statuses = new Map<string, string>()
    for (const s of await deps.ledger.invoices.statusesForContracts(page.map((c) => c.id))) statuses.set(`${s.contractId}|${s.billingDate}`, s.status)
    const products = await productsOf(deps.ledger, page)
    const plans = new Map<string, Work[]>()
    for (const contract of page) {
      try {
        const work = planContract(contract, products, statuses, opts, inPeriod, summary)
        if (work.length > 0) plans.set(contract.id, work)
      } catch (err) {
        summary.skipped.push({ contractId: contract.id, reason: `planning failed: ${(err as Error).message}` })
      }
    }

    // Fetch: one run per metric version and period, for every customer that needs it.
    const runs = new Map<string, { orgId: string; metricName: string; metricVersion: number; start: Date; end: Date; customers: Set<string> }>()
    const need = (contract: Contract, item: PlannedItem) => {
      if (!item.metric) return
      const req = { orgId: contract.orgId, metricName: item.metric.name, metricVersion: item.metric.version, start: item.metric.start, end: item.metric.end }
      const key = runKey(req)
      const run = runs.get(key) ?? { ...req, customers: new Set<string>() }
      run.customers.add(contract.customerExternalId)
      runs.set(key, run)
    }
    for (const contract of page) {
      for (const w of plans.get(contract.id) ?? []) for (const item of [...w.items, ...(w.previous?.items ?? [])]) need(contract, item)
    }
    const usage = new Map<string, Map<string, CustomerUsage>>()
    const failed = new Map<string, string>()
    for (const [key, run] of runs) {
      try {
        usage.set(key, await deps.quantities.quantities({ ...run, customerIds: [...run.customers].sort() }))
        summary.metricRuns++
      } catch (err) {
        failed.set(key, `metric ${run.metricName} v${run.metricVersion} failed for ${run.start.toISOString()}–${run.end.toISOString()}: ${(err as Error).message}`)
      }
    }

    // Price and write, one contract at a time under its lock.
    for (const contract of page) {
      if (opts.signal?.aborted) {
        summary.interrupted = true
        return summary
      }
      const work = plans.get(contract.id)
      if (!work) continue
      const usageFor = (metric: { name: string; version: number; start: Date | string; end: Date | string }) =>
        usage.get(runKey({ orgId: contract.orgId, metricName: metric.name, metricVersion: metric.version, start: new Date(metric.start), end: new Date(metric.end) }))?.get(contract.customerExternalId)
      try {
        const wrote = await deps.ledger.invoiceDrafts.withContractLock(contract.orgId, contract.id, async (session) => {
          const known: Invoice[] = [...session.invoices]
          let touched = false
          for (const w of work) {
            const missing = [...w.items, ...(w.previous?.items ?? [])]
              .filter((i) => i.metric)
              .map((i) => failed.get(runKey({ orgId: contract.orgId, metricName: i.metric!.name, metricVersion: i.metric!.version, start: i.metric!.start, end: i.metric!.end })))
              .find((m) => m !== undefined)
            if (missing !== undefined) {
              summary.skipped.push({ contractId: contract.id, billingDate: w.event.billingDate, reason: missing })
              // Later invoices draw credits after this one: stop here for this contract.
              break
            }
            const current = known.find((i) => i.billingDate === w.event.billingDate)
            if (current && FINAL.has(current.status)) {
              summary.invoices.alreadyFinal++
              continue
            }
            const prevInvoice = w.previous ? known.find((i) => i.billingDate === w.previous!.billingDate && (i.status === 'finalized' || i.status === 'paid')) : undefined
            const priced = priceInvoice({
              contract,
              event: w.event,
              items: w.items,
              usageOf: (item) => (item.metric ? usageFor(item.metric) : undefined),
              credits: creditBalances(contract, known, w.event.billingDate),
              previous: prevInvoice
                ? { invoiceId: prevInvoice.id, billingDate: prevInvoice.billingDate, record: prevInvoice.ratingInput as unknown as RatingRecord, usageOf: (item: RecordedItem) => (item.metric ? usageFor(item.metric) : undefined) }
                : null,
            })
            if (priced.lines.length === 0) {
              if (!current) summary.skipped.push({ contractId: contract.id, billingDate: w.event.billingDate, reason: 'nothing to bill' })
              continue
            }
            const billedAt = zonedMidnight(w.event.billingDate, contract.timeZone)
            const graceUntil = new Date(billedAt.getTime() + opts.graceHours * 3_600_000)
            const now = clock()
            const written = await session.writeDraft(
              {
                customerId: contract.customerId,
                billingDate: w.event.billingDate,
                periodIndex: w.event.index,
                currency: contract.currency,
                total: priced.total,
                contentHash: priced.contentHash,
                ratingInput: priced.record as unknown as Record<string, unknown>,
                creditDraws: priced.creditDraws,
                graceUntil,
                dueDate: addDays(w.event.billingDate, contract.netTermsDays),
                lines: priced.lines,
              },
              now,
            )
            let invoice = written.invoice
            if (written.outcome === 'final') summary.invoices.alreadyFinal++
            else summary.invoices[written.outcome]++
            if (written.outcome !== 'final' && graceUntil.getTime() <= opts.asOf.getTime()) {
              invoice = await session.finalize(invoice.id, now)
              summary.invoices.finalized++
            }
            if (written.outcome === 'created' || written.outcome === 'updated' || invoice.status === 'finalized') addTotal(invoice.currency, invoice.total)
            for (const a of priced.record.adjustments) {
              summary.adjustments.push({ contractId: contract.id, invoiceId: invoice.id, ofInvoice: a.of_invoice, product: a.product_name, delta: a.delta, currency: contract.currency })
            }
            const at = known.findIndex((i) => i.billingDate === invoice.billingDate)
            if (at >= 0) known[at] = invoice
            else known.push(invoice)
            touched = true
            invoicesTouched++
          }
          return touched
        })
        if (wrote) summary.contractsRated++
      } catch (err) {
        summary.skipped.push({ contractId: contract.id, reason: `rating failed: ${(err as Error).message}` })
      }
      opts.onProgress?.({ contracts: summary.contracts, invoices: invoicesTouched })
    }
    if (page.length < (opts.pageSize ?? 5_000)) break
  }
  return summary
}

async function productsOf(ledger: Ledger, contracts: readonly Contract[]): Promise<Map<string, Product>> {
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

function planContract(
  contract: Contract,
  products: Map<string, Product>,
  statuses: Map<string, string>,
  opts: RatingRunOptions,
  inPeriod: (billingDate: string) => boolean,
  summary: RatingSummary,
): Work[] {
  const schedule = { startDate: contract.startDate, endDate: contract.endDate, cadence: contract.cadence, anchorDay: contract.anchorDay, renewal: contract.renewal }
  const events = dueEvents(schedule, (date) => zonedMidnight(date, contract.timeZone).getTime() <= opts.asOf.getTime())
  const work: Work[] = []
  for (const event of events) {
    if (!inPeriod(event.billingDate)) continue
    if (FINAL.has(statuses.get(`${contract.id}|${event.billingDate}`) ?? '')) {
      summary.invoices.alreadyFinal++
      continue
    }
    const prevEvent = event.index > 0 ? billingEvent(schedule, event.index - 1) : null
    const prevStatus = prevEvent ? statuses.get(`${contract.id}|${prevEvent.billingDate}`) : undefined
    const previous =
      prevEvent && (prevStatus === 'finalized' || prevStatus === 'paid')
        ? { billingDate: prevEvent.billingDate, items: planInvoice(contract, products, prevEvent).filter((i) => i.timing === 'in_arrears' && i.metric) }
        : null
    work.push({ event, items: planInvoice(contract, products, event), previous })
  }
  return work
}

/** Each credit grant's balance before the invoice dated `billingDate`: its amount less earlier draws. */
function creditBalances(contract: Contract, invoices: readonly Invoice[], billingDate: string): Record<string, unknown>[] {
  return (contract.terms.credits ?? []).map((grant) => {
    const id = String(grant.id)
    const drawn = invoices
      .filter((i) => i.billingDate < billingDate && i.status !== 'void')
      .flatMap((i) => i.creditDraws)
      .filter((d) => d.id === id)
      .reduce((acc, d) => acc.plus(d.drawn), new Dec(0))
    const left = new Dec(String(grant.amount)).minus(drawn)
    return { ...grant, amount: (left.isNegative() ? new Dec(0) : left).toFixed() }
  })
}
