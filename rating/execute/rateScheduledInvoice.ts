// The per-contract steps a rating run and a reissue share, so a reissued invoice is priced
// exactly as a run would price it: fetch usage (one metric run per metric version and period
// for every customer that needs it), then, under the contract's lock, price one scheduled invoice
// and write its draft.
import type { Charge, Contract, CurrencyTable, Invoice, RatingSession, RatingStore } from '../../ledger/ratingStore.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { Dec } from '../../platform/decimal.ts'
import type { ScheduledInvoice } from './billingSchedule.ts'
import type { PlannedItem } from './invoicePlan.ts'
import { priceInvoice, type PricedInvoice } from './priceInvoice.ts'
import { runKey, type CustomerUsage, type QuantitySource } from './quantitySource.ts'
import { readRatingRecord, type RecordedAdjustment, type RecordedItem, type RecordedProration } from './ratingRecord.ts'
import { midPeriodProration, prorationsBilled } from './midPeriodProration.ts'
import { withInlineCurrency } from '../compute/currency.ts'
import { adjustmentsBilled, advanceBilled, advanceInvoice } from './billedForPeriod.ts'
import { termUsage } from './termUsage.ts'
import { poolUsage } from './freeUnitPools.ts'
import { thresholdBilled } from './thresholdInvoice.ts'

export interface Work {
  scheduled: ScheduledInvoice
  items: PlannedItem[]
  /** The previous invoice's arrears items to re-check, when it is final. */
  previous: { billingDate: string; items: PlannedItem[] } | null
  /** What the contract sells in advance for the arrears period now (midPeriodProration.ts compares it with what was billed). */
  advanceOfArrears: PlannedItem[]
  /** One-off charges this invoice bills (oneOffCharges.ts); set by the caller that read them. */
  charges: Charge[]
}

type MetricRef = { name: string; version: number; start: Date | string; end: Date | string }

export interface FetchedUsage {
  /** Metric runs that answered. */
  runs: number
  usageFor(contract: Contract, metric: MetricRef): CustomerUsage | undefined
  /** Why one of these items has no usage (its metric run failed), or undefined. */
  failure(contract: Contract, items: readonly Pick<PlannedItem, 'metric'>[]): string | undefined
}

/** ONE run per metric version and period for every customer that needs it, never one per customer. */
export async function fetchUsage(
  quantities: QuantitySource,
  needs: readonly { contract: Contract; items: readonly Pick<PlannedItem, 'metric'>[] }[],
): Promise<FetchedUsage> {
  const runs = new Map<string, { orgId: string; metricName: string; metricVersion: number; start: Date; end: Date; customers: Set<string> }>()
  for (const { contract, items } of needs) {
    for (const item of items) {
      if (!item.metric) continue
      const req = { orgId: contract.orgId, metricName: item.metric.name, metricVersion: item.metric.version, start: item.metric.start, end: item.metric.end }
      const key = runKey(req)
      const run = runs.get(key) ?? { ...req, customers: new Set<string>() }
      run.customers.add(contract.customerExternalId)
      runs.set(key, run)
    }
  }
  const usage = new Map<string, Map<string, CustomerUsage>>()
  const failed = new Map<string, string>()
  let answered = 0
  for (const [key, run] of runs) {
    try {
      usage.set(key, await quantities.quantities({ ...run, customerIds: [...run.customers].sort() }))
      answered++
    } catch (err) {
      failed.set(
        key,
        `metric ${run.metricName} v${run.metricVersion} failed for ${run.start.toISOString()}–${run.end.toISOString()}: ${(err as Error).message}`,
      )
    }
  }
  const keyOf = (contract: Contract, m: MetricRef) =>
    runKey({ orgId: contract.orgId, metricName: m.name, metricVersion: m.version, start: new Date(m.start), end: new Date(m.end) })
  return {
    runs: answered,
    usageFor: (contract, metric) => usage.get(keyOf(contract, metric))?.get(contract.customerExternalId),
    failure: (contract, items) =>
      items
        .filter((i) => i.metric)
        .map((i) => failed.get(keyOf(contract, i.metric!)))
        .find((m) => m !== undefined),
  }
}

export interface RateEventInput {
  session: RatingSession
  contract: Contract
  work: Work
  /** The contract's invoices as of the lock, updated by the caller as it writes (see `remember`). */
  known: readonly Invoice[]
  usageFor: (metric: MetricRef) => CustomerUsage | undefined
  graceHours: number
  now: Date
  /** A reissue: the void invoice of this billing date that the new draft re-bills. */
  replaces?: Invoice
  /** The contract's organisation's currency table, read before the lock (currencyTablesOf). */
  currencies: CurrencyTable
}

export type RatedEvent =
  | { kind: 'final'; invoice: Invoice }
  /** The period's only invoices are void and this is no reissue: nothing written. */
  | { kind: 'voided'; invoice: Invoice }
  | { kind: 'nothing'; current: Invoice | undefined }
  | { kind: 'written'; outcome: 'created' | 'updated' | 'unchanged'; invoice: Invoice; graceUntil: Date; adjustments: RecordedAdjustment[] }

/** The live (not void) invoice of a billing date: at most one, by the partial unique index. */
export function liveInvoice(known: readonly Invoice[], billingDate: string): Invoice | undefined {
  return known.find((i) => i.billingDate === billingDate && i.status !== 'void')
}

/** Records a written invoice in `known` (by id: a void invoice and its replacement share a date). */
export function remember(known: Invoice[], invoice: Invoice): void {
  const at = known.findIndex((i) => i.id === invoice.id)
  if (at >= 0) known[at] = invoice
  else known.push(invoice)
}

/**
 * Prices one scheduled invoice of a contract from the contract's invoices `known` (credit
 * balances, what the invoice before billed in advance, late usage of a final previous invoice),
 * writing nothing: the step a run writes as a draft and an invoice preview answers.
 */
export function priceScheduledInvoice(
  input: Pick<RateEventInput, 'contract' | 'work' | 'known' | 'usageFor' | 'currencies'> & { grants?: readonly Record<string, unknown>[] },
): PricedInvoice {
  const { contract, work: w, known } = input
  // Late usage is checked against the live invoice of the previous period (a replacement, never the void one).
  const prevInvoice = w.previous ? known.find((i) => i.billingDate === w.previous!.billingDate && (i.status === 'finalized' || i.status === 'paid')) : undefined
  const usageOf = (item: { metric?: MetricRef | null }) => (item.metric ? input.usageFor(item.metric) : undefined)
  return priceInvoice({
    contract,
    scheduled: w.scheduled,
    items: w.items,
    usageOf,
    credits: creditBalances([...(contract.terms.credits ?? []), ...(input.grants ?? [])], known, w.scheduled.billingDate),
    // Only a commitment or a maximum reads it: re-rating the invoice before costs a rateInvoice call.
    billedBefore: contract.terms.commitment || contract.terms.maximum_spend !== undefined ? billedBefore(known, w.scheduled) : '0',
    billedElsewhere: adjustmentsBilled(known, w.scheduled.billingDate),
    prorationsElsewhere: prorationsBilled(known, w.scheduled.billingDate),
    termUsage: termUsage({ contract, scheduled: w.scheduled, items: w.items, known }),
    pools: poolUsage(known, w.scheduled),
    // Usage the period's threshold invoices billed: each item is rated on top of it.
    thresholdBilled: thresholdBilled(known, w.scheduled.index),
    previous: prevInvoice
      ? {
          invoiceId: prevInvoice.id,
          billingDate: prevInvoice.billingDate,
          record: readRatingRecord(prevInvoice),
          usageOf: (item: RecordedItem) => usageOf(item),
        }
      : null,
    currencies: input.currencies,
    prorations: prorationsOf(input),
    charges: w.charges,
  })
}

/**
 * Credits and charges for changes inside the arrears period since the invoice that billed it in
 * advance was finalized; none while that invoice is a draft (it is re-rated) or void (a reissue bills it).
 */
function prorationsOf(input: Pick<RateEventInput, 'contract' | 'work' | 'known' | 'currencies'>): RecordedProration[] {
  const { arrears, index } = input.work.scheduled
  const base = arrears ? advanceInvoice(input.known, index - 1) : undefined
  if (!arrears || !base || (base.status !== 'finalized' && base.status !== 'paid')) return []
  return midPeriodProration({
    contract: input.contract,
    base: { invoiceId: base.id, number: base.number, record: readRatingRecord(base) },
    period: arrears.period,
    current: input.work.advanceOfArrears.map((i) => ({ ...i, price: withInlineCurrency(i.price, input.currencies) })),
    mode: input.contract.terms.rounding_mode ?? 'half_up',
  })
}

/** Prices one scheduled invoice of a contract and writes its draft; call under the contract's lock. */
export async function rateScheduledInvoice(input: RateEventInput): Promise<RatedEvent> {
  const { contract, work: w, known } = input
  const current = liveInvoice(known, w.scheduled.billingDate)
  if (current && current.status !== 'draft') return { kind: 'final', invoice: current }
  if (!current && !input.replaces) {
    const voided = known.find((i) => i.billingDate === w.scheduled.billingDate && i.status === 'void')
    if (voided) return { kind: 'voided', invoice: voided }
  }
  const priced = priceScheduledInvoice({ ...input, grants: input.session.creditGrants ?? [] })
  if (priced.lines.length === 0) return { kind: 'nothing', current }
  // A replacement's grace period runs from its reissue, not from the long-past billing date,
  // so it can be reviewed before the next run finalizes it; runs read the reissue time back.
  const billedAt = startOfDay(w.scheduled.billingDate, contract.timeZone)
  const reissuedAt = input.replaces ? input.now : current?.replacesInvoiceId ? new Date(current.createdAt) : null
  const graceFrom = reissuedAt && reissuedAt.getTime() > billedAt.getTime() ? reissuedAt : billedAt
  const graceUntil = new Date(graceFrom.getTime() + input.graceHours * 3_600_000)
  const written = await input.session.writeDraft(
    {
      customerId: contract.customerId,
      billingDate: w.scheduled.billingDate,
      periodIndex: w.scheduled.index,
      currency: contract.currency,
      total: priced.total,
      contentHash: priced.contentHash,
      ratingInput: priced.record,
      creditDraws: priced.creditDraws,
      graceUntil,
      dueDate: addDays(w.scheduled.billingDate, contract.netTermsDays),
      lines: priced.lines,
      ...(input.replaces ? { replacesInvoiceId: input.replaces.id } : {}),
    },
    input.now,
  )
  if (written.outcome === 'final') return { kind: 'final', invoice: written.invoice }
  if (written.outcome === 'voided') return { kind: 'voided', invoice: written.invoice }
  return { kind: 'written', outcome: written.outcome, invoice: written.invoice, graceUntil, adjustments: priced.record.adjustments }
}

/** What the invoice before billed in advance for this invoice's arrears period: what its commitment and maximum measure besides its arrears lines. */
function billedBefore(invoices: readonly Invoice[], scheduled: ScheduledInvoice): string {
  const before = scheduled.arrears ? advanceInvoice(invoices, scheduled.index - 1) : undefined
  return before ? advanceBilled(readRatingRecord(before), scheduled.arrears!.period).toFixed() : '0'
}

/**
 * Each credit grant's balance for the invoice dated `billingDate`: its amount less every live
 * (not void) invoice's draw of it, whatever its date, but this billing date's own draft, whose
 * draws this rating replaces. Counting later invoices too is what keeps a reissue from drawing
 * again what a later invoice drew after the void freed it. A contract term's grant belongs to one
 * contract, so the contract's row lock, under which `invoices` was read, is the lock per grant:
 * two runs (or a run and a reissue) draw one after the other, each seeing the other's draws. An
 * API grant (the session's `creditGrants`) comes locked with its other contracts' draws already
 * taken off (ledger/creditGrantBalances.ts); this contract's are taken off here, the same way.
 */
function creditBalances(grants: readonly Record<string, unknown>[], invoices: readonly Invoice[], billingDate: string): Record<string, unknown>[] {
  const draws = invoices.filter((i) => i.status !== 'void' && i.billingDate !== billingDate).flatMap((i) => i.creditDraws)
  return grants.map((grant) => {
    const id = String(grant.id)
    const drawn = draws.filter((d) => d.id === id).reduce((acc, d) => acc.plus(d.drawn), new Dec(0))
    const left = new Dec(String(grant.amount)).minus(drawn)
    return { ...grant, amount: (left.isNegative() ? new Dec(0) : left).toFixed() }
  })
}

/**
 * The currency table of every organisation the contracts belong to. Read before a contract's
 * lock is taken: on PGlite one statement runs at a time, so a read outside the lock's open
 * transaction would wait for it; declarations never change, so reading early is exact.
 */
export async function currencyTablesOf(ledger: Pick<RatingStore, 'currencies'>, contracts: readonly Contract[]): Promise<Map<string, CurrencyTable>> {
  const tables = new Map<string, CurrencyTable>()
  for (const orgId of new Set(contracts.map((c) => c.orgId))) tables.set(orgId, await ledger.currencies.table(orgId))
  return tables
}
