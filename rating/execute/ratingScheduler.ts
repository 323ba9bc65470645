// Runs the rating job on a croner schedule (UTC), in `tally scheduler` and inside `tally start`.
// `protect` skips a tick while the previous run is still going in this process. Across
// processes, each tick first asks the leader lock (a Postgres advisory lock,
// platform/postgres/leaderLock.ts) and only the leader runs. Correctness never depends on
// that lock: every write happens under the contract's row lock with unique keys
// (ratingRun.ts), so two schedulers at once would only duplicate work, never invoices.
// A tick rates one organisation after the other, each a run of its own in the history
// (recordedRatingRun.ts, trigger `scheduler`), so each organisation sees what the tick did for it.
import { Cron } from 'croner'
import type { Logger } from '../../platform/logger.ts'
import type { RatingSummary } from './ratingRun.ts'
import { runRecordedRating, type RecordedRatingDeps } from './recordedRatingRun.ts'

export interface RatingScheduler {
  /** The next planned tick, or null when stopped. */
  next(): Date | null
  /** Stops ticking, interrupts a run in progress between two contracts and waits for it. */
  stop(): Promise<void>
}

/** Decides, before each tick, whether this process runs it (a `LeaderLock` in production). */
export interface SchedulerLeader {
  tryLead(): Promise<boolean>
}

export interface RatingSchedulerDeps extends RecordedRatingDeps {
  /** The organisations a tick rates, in turn. */
  organisations: { list(): Promise<readonly { id: string }[]> }
  logger: Logger
  /** Absent: this process always runs (one scheduler by construction, e.g. tests). */
  leader?: SchedulerLeader
  /** Called after each organisation's run this process made (for tests and metrics). */
  onRun?: (summary: RatingSummary) => void
}

export function startRatingScheduler(deps: RatingSchedulerDeps, opts: { cron: string; graceHours: number }): RatingScheduler {
  let running: Promise<unknown> = Promise.resolve()
  const abort = new AbortController()
  const tick = async () => {
    if (deps.leader !== undefined && !(await deps.leader.tryLead())) {
      deps.logger.debug('rating tick skipped: another process leads the scheduler')
      return
    }
    // The tick's "now" comes from the injected clock, never from the timer that fired it:
    // croner only decides WHEN to run; what is due is decided by deps.clock (TALLY_CLOCK).
    const asOf = deps.clock.now()
    for (const org of await deps.organisations.list()) {
      if (abort.signal.aborted) return
      try {
        const { summary: s } = await runRecordedRating(deps, {
          orgId: org.id,
          trigger: 'scheduler',
          actor: 'scheduler',
          options: { asOf, graceHours: opts.graceHours, signal: abort.signal },
        })
        deps.logger.info(
          {
            orgId: org.id,
            asOf: s.asOf,
            contracts: s.contracts,
            invoices: s.invoices,
            totals: s.totals,
            skipped: s.skipped.length,
            adjustments: s.adjustments.length,
            interrupted: s.interrupted === true,
          },
          'rating run finished',
        )
        deps.onRun?.(s)
      } catch (err) {
        // One organisation's failed run (recorded in its history) does not stop the others'.
        deps.logger.error({ err, orgId: org.id }, 'rating run failed')
      }
    }
  }
  const job = new Cron(opts.cron, { timezone: 'UTC', protect: true }, async () => {
    const run = tick()
    running = run.catch(() => undefined)
    try {
      await run
    } catch (err) {
      deps.logger.error({ err }, 'rating run failed')
    }
  })
  return {
    next: () => job.nextRun(),
    async stop() {
      job.stop()
      abort.abort()
      await running
    },
  }
}
