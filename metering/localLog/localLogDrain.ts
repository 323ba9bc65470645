// The embedded event log's drain: the same loop as a Kafka partition's worker, through drain
// slot 0 (metering/README.md, "Write path"). Per batch:
//   1. peek the oldest entries of the log, up to `flushRows` rows
//   2. DrainSlot.insert: recover if in doubt, drop ids already stored, intent, INSERT
//   3. release the entries (one LMDB commit): the committed position moves past them
// A crash between 2 and 3 replays the entries at the next start; the slot recovers its newest
// intent and its lookup drops every id that committed, so nothing counts twice. That is also
// why step 3 is not awaited before the next batch: the drain remembers in memory where it is,
// and a release still being fsynced when the process dies only means a replay.
//
// Flush on size or time: a batch starts when `flushRows` rows wait, or `flushMs` after the
// previous batch started, so an event waits at most `flushMs` plus one insert. While an
// insert runs, the next batch fills. `settled()` skips the wait (tests, shutdown).
// Per-row outcomes for callers that count (source syncs, `outcomeOf`): the writer names its entry
// inside the append's transaction, before the drain can see it, and the drain keeps that entry's
// flags (true: inserted, false: already stored or repeated) until claimed; no other entry's.
// Failures (ClickHouse down, any error): the slot is unknown, the entries stay in the log, the
// batch is retried after a backoff (200 ms doubling to 5 s); the log keeps accepting up to its
// bound. Nothing is skipped: an error that never heals stops ingest at the bound (503), loudly.
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { UnavailableError } from '../../platform/errors.ts'
import type { Logger } from '../../platform/logger.ts'
import { createDrainSlot, DIRECT_SLOT } from '../drainSlot.ts'
import type { LocalEventLog } from './localEventLog.ts'

export interface LocalLogDrainOptions {
  log: LocalEventLog
  handle: ClickHouseHandle
  logger: Logger
  dedupWindowMs: number
  /** Most rows per insert; a batch starts at once when this many wait. */
  flushRows: number
  /** Longest wait (ms) between the start of one insert and the next while rows wait. */
  flushMs: number
}

export interface LocalLogDrain {
  /**
   * Resolves once the start-up recovery of slot 0 has run (failed or not: a failure leaves the
   * slot unknown and the first batch recovers). A process serves queries only after this, as
   * with the direct writer's `ready()`: a recovery may rebuild hours an insert cut short.
   */
  ready(): Promise<void>
  /** Resolves once every append that resolved before the call is inserted into ClickHouse. */
  settled(): Promise<void>
  /**
   * Runs `append` (which calls `expect` with its entry's sequence number inside the append's
   * transaction, and resolves with it, or null when it wrote none) and resolves with the drain's outcome for that entry's rows, in order: true when
   * inserted, false when `events` already held it (or it repeated an earlier row of the batch).
   * Waits at most `waitMs` for the drain, then rejects with 503 `event_log_behind` (the entry
   * stays in the log and is drained later).
   */
  outcomeOf(append: (expect: (seq: number) => void) => Promise<number | null>, waitMs: number): Promise<boolean[] | null>
  /** Finishes the batch under way and its release, and stops; what is left stays in the log for the next start. */
  close(): Promise<void>
}

const BACKOFF_MIN_MS = 200
const BACKOFF_MAX_MS = 5_000

export function startLocalLogDrain(opts: LocalLogDrainOptions): LocalLogDrain {
  const { log } = opts
  const slot = createDrainSlot(opts.handle, { slot: DIRECT_SLOT, dedupWindowMs: opts.dedupWindowMs })
  const logger = opts.logger.child({ component: 'event-log-drain' })
  let closing = false
  let hurry = 0
  /** Sequence numbers up to this one are in ClickHouse (their release may still be committing). */
  let drainedSeq = 0
  /** The releases, one after another; the next batch does not wait for them. */
  let releasing: Promise<void> = Promise.resolve()
  const waiters: Array<{ seq: number; resolve: () => void }> = []
  /** Entries a writer waits for: their flags once drained, or the writer's resolve once it waits. */
  const expected = new Map<number, { flags?: boolean[]; resolve?: (flags: boolean[]) => void }>()
  let outcomeWaiters = 0
  let wake: (() => void) | null = null
  let wakeTimer: NodeJS.Timeout | null = null

  function nudge(): void {
    if (wakeTimer !== null) clearTimeout(wakeTimer)
    wakeTimer = null
    const w = wake
    wake = null
    w?.()
  }
  /** Sleeps until nudged, or `ms` (null: until nudged). */
  function pause(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve
      if (ms !== null) wakeTimer = setTimeout(nudge, ms)
    })
  }
  let waitingForRows = false
  log.onAppend(() => {
    if (log.pendingRows() >= opts.flushRows || waitingForRows) nudge()
  })

  function answerWaiters(): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.seq > drainedSeq) continue
      waiters[i]!.resolve()
      waiters.splice(i, 1)
    }
    if (waiters.length === 0) hurry = 0
  }

  function keepOutcomes(entries: Array<{ seq: number; rows: number }>, insertedAt: boolean[]): void {
    let offset = 0
    for (const entry of entries) {
      const at = offset
      offset += entry.rows
      const waiter = expected.get(entry.seq)
      if (waiter === undefined) continue
      waiter.flags = insertedAt.slice(at, at + entry.rows)
      waiter.resolve?.(waiter.flags)
    }
  }

  async function run(): Promise<void> {
    let lastStart = -Infinity
    let backoff = BACKOFF_MIN_MS
    while (!closing) {
      // Read before the peek: every entry up to it is committed, so the peek sees it.
      const committed = log.committedSeq()
      const batch = log.peek(opts.flushRows, drainedSeq)
      if (batch === null) {
        drainedSeq = Math.max(drainedSeq, committed)
        answerWaiters()
        waitingForRows = true
        await pause(null)
        waitingForRows = false
        continue
      }
      const due = lastStart + opts.flushMs - performance.now()
      if (batch.rows.length < opts.flushRows && due > 0 && hurry === 0 && outcomeWaiters === 0) {
        await pause(due)
        continue
      }
      lastStart = performance.now()
      try {
        const { insertedAt } = await slot.insert(batch.rows)
        drainedSeq = batch.lastSeq
        if (expected.size > 0) keepOutcomes(batch.entries, insertedAt)
        answerWaiters()
        releasing = releasing
          .then(() => log.release(batch))
          // Not released: the entries stay on disk and are replayed (and dropped) after a restart.
          .catch((err: unknown) => logger.error({ err }, 'event log release failed'))
        backoff = BACKOFF_MIN_MS
      } catch (err) {
        logger.error({ err, rows: batch.rows.length, pendingBytes: log.pendingBytes() }, 'event log drain failed; retrying the batch')
        await pause(backoff)
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS)
      }
    }
  }

  /** Recovers the slot before the first batch, even when the log is empty (the previous life
   *  may have used the direct writer on the same slot, and died inside an insert). */
  const recovered = slot.insert([]).then(
    () => undefined,
    (err: unknown) => logger.error({ err }, 'event log drain: start-up recovery failed; the first batch recovers again'),
  )
  const running = recovered.then(run)

  return {
    ready() {
      return recovered
    },
    settled() {
      const seq = log.committedSeq()
      if (seq <= drainedSeq) return Promise.resolve()
      hurry++
      nudge()
      return new Promise((resolve) => waiters.push({ seq, resolve }))
    },
    async outcomeOf(append, waitMs) {
      const named: number[] = []
      let timer: NodeJS.Timeout | undefined
      let waiting = false
      try {
        const seq = await append((entry) => {
          named.push(entry)
          expected.set(entry, {})
        })
        if (seq === null) return null
        const entry = expected.get(seq)!
        if (entry.flags !== undefined) return entry.flags
        waiting = true
        outcomeWaiters++
        return await new Promise<boolean[]>((resolve, reject) => {
          entry.resolve = resolve
          nudge()
          timer = setTimeout(() => {
            reject(
              new UnavailableError(
                'event_log_behind',
                `The events are in the event log, but its drain has not stored them within ${waitMs} ms, so whether each was new is not known yet. ` +
                  'They will be stored once; check that ClickHouse is reachable (the event-log-drain lines of the log say why inserts fail).',
                5,
              ),
            )
          }, waitMs)
        })
      } finally {
        clearTimeout(timer)
        if (waiting) outcomeWaiters--
        // Also an entry named by a transaction that did not commit.
        for (const seq of named) expected.delete(seq)
      }
    },
    async close() {
      closing = true
      nudge()
      await running
      await releasing
    },
  }
}
