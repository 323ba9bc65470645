// One contract of a rating run, under its lock (a session of the per-contract transaction or of
// a chunk's: ratingChunk.ts): price and write each due invoice in date order, finalize those past
// their grace. It answers what the run adds to its summary instead of adding it, so a chunk that
// rolls back and is rated again contract by contract counts each contract once.
import type { Contract, ContractRatingSession, CurrencyTable, Invoice } from '../../ledger/ratingStore.ts'
import type { RatingSummary } from './ratingRun.ts'
import { rateScheduledInvoice, remember, type FetchedUsage, type Work } from './rateScheduledInvoice.ts'
import { rateThresholdInvoice, type ThresholdWork } from './thresholdInvoice.ts'

/** What one contract adds to the run's summary. */
export interface ContractResult {
  contractId: string
  invoices: Partial<RatingSummary['invoices']>
  /** Totals of the invoices created, updated or finalized (added up per currency by the run). */
  totals: { currency: string; amount: string }[]
  adjustments: RatingSummary['adjustments']
  skipped: RatingSummary['skipped']
  /** Invoices written or finalized: the contract counts as rated when there is one. */
  touched: number
}

export interface RateContractInput {
  session: ContractRatingSession
  contract: Contract
  work: readonly Work[]
  /** The open period's usage to invoice at once when it reaches the contract's threshold (thresholdInvoice.ts), after `work`. */
  threshold?: ThresholdWork | null
  fetched: FetchedUsage
  graceHours: number
  asOf: Date
  /** The run's clock: stamps drafts and finalizations. */
  now: () => Date
  currencies: CurrencyTable
}

export function emptyResult(contractId: string): ContractResult {
  return { contractId, invoices: {}, totals: [], adjustments: [], skipped: [], touched: 0 }
}

/** The contract failed as a whole: its writes are rolled back or discarded; only the reason is kept. */
export function failedResult(contractId: string, err: unknown): ContractResult {
  return { ...emptyResult(contractId), skipped: [{ contractId, reason: `rating failed: ${(err as Error).message}` }] }
}

export async function rateContract(input: RateContractInput): Promise<ContractResult> {
  const { session, contract } = input
  const out = emptyResult(contract.id)
  const count = (key: keyof RatingSummary['invoices']) => (out.invoices[key] = (out.invoices[key] ?? 0) + 1)
  const known: Invoice[] = [...session.invoices]
  for (const w of input.work) {
    const missing = input.fetched.failure(contract, [...w.items, ...(w.previous?.items ?? [])])
    if (missing !== undefined) {
      out.skipped.push({ contractId: contract.id, billingDate: w.scheduled.billingDate, reason: missing })
      // Later invoices draw credits after this one: stop here for this contract.
      break
    }
    const now = input.now()
    const rated = await rateScheduledInvoice({
      session,
      contract,
      work: w,
      known,
      usageFor: (metric) => input.fetched.usageFor(contract, metric),
      graceHours: input.graceHours,
      now,
      currencies: input.currencies,
    })
    if (rated.kind === 'final') {
      count('alreadyFinal')
      continue
    }
    if (rated.kind === 'voided') {
      out.skipped.push({ contractId: contract.id, billingDate: w.scheduled.billingDate, reason: 'period_voided' })
      continue
    }
    if (rated.kind === 'nothing') {
      if (!rated.current) out.skipped.push({ contractId: contract.id, billingDate: w.scheduled.billingDate, reason: 'nothing to bill' })
      continue
    }
    let invoice = rated.invoice
    count(rated.outcome)
    if (rated.graceUntil.getTime() <= input.asOf.getTime()) {
      if (heldForReview(contract, invoice, rated.graceUntil)) count('heldForReview')
      else {
        invoice = await session.finalize(invoice.id, now)
        count('finalized')
      }
    }
    if (rated.outcome === 'created' || rated.outcome === 'updated' || invoice.status === 'finalized')
      out.totals.push({ currency: invoice.currency, amount: invoice.total })
    for (const a of rated.adjustments) {
      out.adjustments.push({
        contractId: contract.id,
        invoiceId: invoice.id,
        ofInvoice: a.of_invoice,
        product: a.product_name,
        delta: a.delta,
        currency: contract.currency,
      })
    }
    remember(known, invoice)
    out.touched++
  }
  if (input.threshold) await rateThreshold(input, known, out)
  return out
}

/** The threshold step, on the invoices as the scheduled ones left them; counted as an invoice created and finalized. */
async function rateThreshold(input: RateContractInput, known: Invoice[], out: ContractResult): Promise<void> {
  const { contract, threshold: work } = input
  if (!work) return
  const missing = input.fetched.failure(contract, work.items)
  if (missing !== undefined) {
    out.skipped.push({ contractId: contract.id, billingDate: work.date, reason: `threshold not evaluated: ${missing}` })
    return
  }
  const rated = await rateThresholdInvoice({
    session: input.session,
    contract,
    work,
    known,
    usageOf: (item) => (item.metric ? input.fetched.usageFor(contract, item.metric) : undefined),
    currencies: input.currencies,
    now: input.now(),
  })
  if (rated.kind === 'date_taken') {
    const reason = `threshold ${work.threshold.amount} reached (${rated.unbilled} unbilled) but an invoice is dated ${work.date}: billed by a run on a later day`
    out.skipped.push({ contractId: contract.id, billingDate: work.date, reason })
  }
  if (rated.kind !== 'invoiced') return
  out.invoices.created = (out.invoices.created ?? 0) + 1
  out.invoices.finalized = (out.invoices.finalized ?? 0) + 1
  out.totals.push({ currency: rated.invoice.currency, amount: rated.invoice.total })
  remember(known, rated.invoice)
  out.touched++
}

/**
 * A draft first written when its grace period had already ended (its `created_at`, the clock of
 * the run or reissue that wrote it, is not before the end of its grace) was never open to review:
 * a back-dated contract's past invoices, or periods no run rated in time. Unless the contract says
 * `backdated_invoices: finalize`, runs leave it a draft for a person to finalize.
 */
function heldForReview(contract: Contract, draft: Invoice, graceUntil: Date): boolean {
  return contract.backdatedInvoices === 'draft' && new Date(draft.createdAt).getTime() >= graceUntil.getTime()
}
