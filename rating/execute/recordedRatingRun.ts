// A rating run that leaves a row in the history (ledger rating_runs): opened before the run with
// the clock's now, closed after it with the summary's counters or, when the run threw, with the
// error's code and message (the error is thrown on). A process killed mid-run leaves the row
// `running`; the organisation's next run marks it `abandoned` (ledger/ratingRuns.ts).
import type { RatingRunCounters, RatingRunRecord, RatingRunRepository } from '../../ledger/ratingStore.ts'
import { TallyError } from '../../platform/errors.ts'
import { runRating, type RatingDeps, type RatingRunOptions, type RatingSummary } from './ratingRun.ts'

export interface RecordedRatingDeps extends RatingDeps {
  ratingRuns: Pick<RatingRunRepository, 'start' | 'finish'>
}

export interface RecordedRun {
  orgId: string
  trigger: 'api' | 'scheduler'
  /** `api_key:<id>`, `admin` or `scheduler`. */
  actor: string
  options: RatingRunOptions
}

export function countersOf(s: RatingSummary): RatingRunCounters {
  return {
    contractsRated: s.contractsRated,
    invoicesDrafted: s.invoices.created + s.invoices.updated,
    invoicesFinalized: s.invoices.finalized,
    skipped: s.skipped.length,
    unbilledUsage: s.unbilledUsage.length,
    heldForReview: s.invoices.heldForReview,
  }
}

export async function runRecordedRating(deps: RecordedRatingDeps, run: RecordedRun): Promise<{ summary: RatingSummary; record: RatingRunRecord }> {
  const started = await deps.ratingRuns.start({
    orgId: run.orgId,
    trigger: run.trigger,
    actor: run.actor,
    period: run.options.period ?? null,
    contractId: run.options.contractId ?? null,
    asOf: run.options.asOf,
    at: deps.clock.now(),
  })
  let summary: RatingSummary
  try {
    summary = await runRating(deps, { ...run.options, orgId: run.orgId })
  } catch (err) {
    const error = err instanceof TallyError ? { code: err.code, message: err.message } : { code: 'internal_error', message: (err as Error).message }
    await deps.ratingRuns.finish(started.id, { at: deps.clock.now(), error })
    throw err
  }
  // Stopped between two contracts (shutdown): what it did stands, but it did not finish.
  const end = summary.interrupted
    ? { at: deps.clock.now(), error: { code: 'run_interrupted', message: 'stopped before every contract was seen (shutdown); the next run carries on' } }
    : { at: deps.clock.now(), counters: countersOf(summary) }
  const record = await deps.ratingRuns.finish(started.id, end)
  return { summary, record }
}
