// Time is an input. Code that decides by the date (which invoices are due, when a grace period
// ends, the instant an invoice is finalized, voided or paid) asks a `Clock` its caller passed
// in; only a composition root builds one (`clockFromConfig`), and tests pass a fixed one. No
// global Date is ever replaced: that would also move timers, TLS checks and the engines' clocks.
import { performance } from 'node:perf_hooks'
import { z } from 'zod'

export interface Clock {
  now(): Date
}

/** The machine's clock: the production default. */
export const systemClock: Clock = { now: () => new Date() }

/** Always the same instant: for tests that assert exact dates. */
export function fixedClock(at: Date | string): Clock {
  const ms = toMs(at)
  return { now: () => new Date(ms) }
}

/**
 * Starts at `start` and advances with real time (a monotonic timer, so a jump of the system
 * clock does not move it): `TALLY_CLOCK` in tests and rehearsals ("run as if it were
 * 2027-03-01"). `elapsedMs` is injectable so its own test needs no waiting.
 */
export function startingClock(start: Date | string, elapsedMs: () => number = monotonicSince()): Clock {
  const ms = toMs(start)
  return { now: () => new Date(ms + elapsedMs()) }
}

/** The clock a process runs on: `TALLY_CLOCK` when set, else the machine's. */
export function clockFromConfig(config: { clock?: string | undefined }): Clock {
  return config.clock === undefined ? systemClock : startingClock(config.clock)
}

function monotonicSince(): () => number {
  const t0 = performance.now()
  return () => Math.floor(performance.now() - t0)
}

/** The same rule as TALLY_CLOCK: `Date.parse` alone would roll 2027-02-30 over into March. */
const isoInstant = z.iso.datetime({ offset: true })

function toMs(at: Date | string): number {
  const ms = typeof at === 'string' ? (isoInstant.safeParse(at).success ? Date.parse(at) : NaN) : at.getTime()
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(at)}`)
  return ms
}
