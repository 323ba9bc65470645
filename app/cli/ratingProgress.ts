// `tally rate`'s progress line, from GET /v1/rating/runs/progress (rating/http/runProgress.ts),
// polled while the run's POST is in flight; printed on stderr by output.ts `progress`
// (redrawn in a terminal, one line a second at most when piped).
import type { RatingProgressJson } from '../../rating/http/runProgress.ts'

/** Seconds between two polls of the run's counters. */
export const PROGRESS_POLL_MS = 2_000

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  const m = Math.floor(seconds / 60)
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`
}

/** "rating: 1,200 of 2,000 contracts (60%), 2,310 invoices, 55.0 contracts/s, ETA 15 s" */
export function formatRatingProgress(run: RatingProgressJson['runs'][number]): string {
  const pct = run.total > 0 ? Math.floor((run.done / run.total) * 100) : 0
  const eta = run.eta_seconds === null ? 'ETA unknown' : `ETA ${duration(run.eta_seconds)}`
  return `rating: ${run.done.toLocaleString('en-US')} of ${run.total.toLocaleString('en-US')} contracts (${pct}%), ${run.invoices.toLocaleString('en-US')} invoices, ${run.rate.toFixed(1)} contracts/s, ${eta}`
}
