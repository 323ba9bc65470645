// The metering worker: a member of the Kafka consumer group that turns `tally.events` into
// rows of ClickHouse `events` (and so, through the materialized views, the rollups), exactly
// once per (org_id, event_id). Partition p drains into writer slot p + 1 (`drainSlot.ts`).
//
// Flush order, per contiguous run of records of one partition holding at most `flushRows`
// events (a packed record holds many; records are never split, offsets being per record):
//   1. INSERT through the partition's drain slot: recover the slot if it is in doubt (rollups
//      of the newest intent recomputed from `events`), drop ids `events` already holds, record
//      the intent, insert; poison messages go to the dead-letter topic (acks=all) and table.
//   2. COMMIT the offset after the run: the run is the contiguous processed prefix, because
//      every message in it has an outcome (stored, duplicate, dead-lettered) and nothing
//      after it is committed before it.
// There is no step 3: the dedup state is `events` itself (its projection by event id).
// A crash anywhere replays the run from the committed offset, cut wherever the new fetch
// cuts it; nothing depends on the replay being the same block. See metering/README.md
// ("Crash instants") for why every instant converges to exactly once.
//
// Flush on size or time: a fetch returns at most `maxBytes`, and the broker answers a fetch
// as soon as `minBytes` are there or after `flushMs`, so quiet partitions flush within
// `flushMs` and busy ones in runs of `flushRows` events.
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs'
import { Partitioners } from 'kafkajs'
import { isClickHouseUnavailable } from '../../platform/clickhouse/clickHouseErrors.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import type { Logger } from '../../platform/logger.ts'
import { LATENCY_BUCKETS, SIZE_BUCKETS, type Telemetry } from '../../platform/telemetry/telemetry.ts'
import { createDrainSlot, kafkaPartitionSlot, type DrainSlot } from '../drainSlot.ts'
import { DEAD_LETTER_HEADERS, ORG_HEADER } from '../eventMessage.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS } from '../storedEvents.ts'
import { insertDeadLetters } from './deadLetters.ts'
import { insertChunkEvents, planChunks } from './flushPartitionChunk.ts'

export interface FlushInfo {
  topic: string
  partition: number
  firstOffset: string
  lastOffset: string
  inserted: number
}

export interface MeteringWorkerOptions {
  kafka: Kafka
  clickhouse: ClickHouseHandle
  logger: Logger
  telemetry: Telemetry
  topic: string
  deadLetterTopic: string
  groupId: string
  /** Most events per insert (rows of packed records, not records); default 10,000. A record holding more goes alone. */
  flushRows?: number
  /** Longest a fetch waits for data before it is flushed anyway (ms); default 200. */
  flushMs?: number
  maxMessageBytes?: number
  /** Bytes a fetch waits for (up to `flushMs`) before the broker answers; default 64 KiB. */
  fetchMinBytes?: number
  /**
   * Partitions whose runs are flushed at the same time, each through its own drain slot (one
   * writer per slot still: kafkajs hands a partition's batches to one call at a time); default 6.
   */
  partitionsConcurrently?: number
  /** Dedup window in days (see EventWriterOptions.dedupWindowDays); default 34. */
  dedupWindowDays?: number
  /** Consumer session timeout (ms); default 10,000 (config TALLY_KAFKA_SESSION_TIMEOUT_MS). */
  sessionTimeoutMs?: number
  /** Heartbeat interval (ms), also while a long insert runs; default a tenth of the session timeout. */
  heartbeatIntervalMs?: number
  /**
   * Test hook, called after step 1 (insert) and before step 2 (commit) of every flush. The
   * fault tests kill the process here to prove a replayed run is not counted twice.
   */
  afterInsert?: (info: FlushInfo) => Promise<void> | void
}

export interface MeteringWorker {
  /** Joins the group and starts consuming; resolves once the consumer runs. */
  start(): Promise<void>
  /** Rejects when the worker stops on an error it must not skip (see `restartOnFailure`). */
  readonly failed: Promise<never>
  /** Stops fetching, finishes the flush under way (insert and commit), leaves the group. Idempotent. */
  close(): Promise<void>
}

export function createMeteringWorker(opts: MeteringWorkerOptions): MeteringWorker {
  const flushRows = opts.flushRows ?? 10_000
  const flushMs = opts.flushMs ?? 200
  const maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024
  const sessionTimeout = opts.sessionTimeoutMs ?? 10_000
  const heartbeatInterval = opts.heartbeatIntervalMs ?? Math.max(100, Math.floor(sessionTimeout / 10))
  const log = opts.logger.child({ component: 'metering-worker', group: opts.groupId })
  const m = {
    messages: opts.telemetry.counter(
      'tally_metering_messages_total',
      'Events consumed (rows of packed records), by outcome (inserted, duplicate, dead_letter).',
      ['outcome'],
    ),
    dedupHits: opts.telemetry.counter(
      'tally_metering_dedup_hits_total',
      'Duplicates dropped, by where they were found (chunk: repeated in one flush; stored: already in events).',
      ['where'],
    ),
    deadLetters: opts.telemetry.counter('tally_metering_dead_letters_total', 'Events (or whole records) dead-lettered, by error code.', ['code']),
    flushRows: opts.telemetry.histogram('tally_metering_flush_messages', 'Events per flush (rows of packed records, not records).', SIZE_BUCKETS),
    flushSeconds: opts.telemetry.histogram('tally_metering_flush_seconds', 'Flush duration: insert, dead letters and offset commit.', LATENCY_BUCKETS),
    lag: opts.telemetry.gauge('tally_metering_consumer_lag', 'Messages behind the partition end after the last flush.', ['topic', 'partition']),
    commitFailures: opts.telemetry.counter('tally_metering_commit_failures_total', 'Offset commits refused (the partition moved in a rebalance).', ['topic']),
  }

  const consumer: Consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: Math.max(60_000, sessionTimeout * 2),
    minBytes: opts.fetchMinBytes ?? 64 * 1024,
    maxWaitTimeInMs: flushMs,
    maxBytesPerPartition: 16 * 1024 * 1024,
    allowAutoTopicCreation: false,
    retry: {
      retries: 5,
      // An error that is neither a retriable Kafka error nor an unavailable ClickHouse stops
      // the worker: skipping the batch would lose data, retrying forever would hide a bug.
      restartOnFailure: async (err) => isRetriable(err),
    },
  })
  const dlqProducer: Producer = opts.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  })

  let rejectFailed: (err: Error) => void = () => {}
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject))
  failed.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection
  let closing: Promise<void> | null = null
  let owned = new Set<string>()
  const dedupWindowMs = (opts.dedupWindowDays ?? DEFAULT_DEDUP_WINDOW_DAYS) * 86_400_000
  /** Drain slots of the partitions this member drains, by partition; emptied at every rebalance. */
  const slots = new Map<number, DrainSlot>()

  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) return
    log.error({ err: e.payload.error }, 'metering worker stopped on an error it must not skip')
    rejectFailed(e.payload.error)
  })
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assigned = new Set<string>()
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
      for (const p of partitions) assigned.add(`${topic}\u0000${p}`)
    }
    for (const key of owned) {
      if (!assigned.has(key)) {
        const [topic, partition] = key.split('\u0000')
        m.lag.remove({ topic: topic!, partition: partition! })
      }
    }
    owned = assigned
    // Another member may have written to a partition's slot while this one did not own it, so
    // what this member knew of every slot is stale: each recovers again before its next flush.
    slots.clear()
    log.info({ assignment: e.payload.memberAssignment }, 'joined the group')
  })

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload
    const { topic, partition } = batch
    const plans = planChunks({ topic, partition, messages: batch.messages, flushRows, maxMessageBytes, now: new Date() })
    for (const plan of plans) {
      // A stopping worker or a revoked partition ends here: the rest is re-fetched by its owner.
      if (!isRunning() || isStale()) return
      const started = performance.now()

      // 1. Insert events and dead letters (retried while ClickHouse is unavailable; both are idempotent).
      const slot = slots.get(partition) ?? createDrainSlot(opts.clickhouse, { slot: kafkaPartitionSlot(partition), dedupWindowMs })
      slots.set(partition, slot)
      const outcome = await withClickHouseRetry(heartbeat, isRunning, () => insertChunkEvents(slot, plan))
      if (plan.deadLetters.length > 0) {
        await oneDeadLetterSendAtATime({
          topic: opts.deadLetterTopic,
          acks: -1,
          messages: plan.deadLetters.map((d, j) => ({
            key: plan.deadLetterMessages[j]!.key,
            value: plan.deadLetterMessages[j]!.value,
            headers: {
              [DEAD_LETTER_HEADERS.errorCode]: d.error_code,
              [DEAD_LETTER_HEADERS.errorMessage]: d.error_message,
              [DEAD_LETTER_HEADERS.source]: `${topic}/${partition}/${d.source_offset}`,
              ...(plan.deadLetterMessages[j]!.sourceLine === null ? {} : { [DEAD_LETTER_HEADERS.sourceLine]: String(plan.deadLetterMessages[j]!.sourceLine) }),
              [DEAD_LETTER_HEADERS.failedAt]: d.failed_at,
              ...(d.org_id === '' ? {} : { [ORG_HEADER]: d.org_id }),
            },
          })),
        })
        await withClickHouseRetry(heartbeat, isRunning, () => insertDeadLetters(opts.clickhouse, plan.deadLetters))
      }
      await opts.afterInsert?.({ topic, partition, firstOffset: plan.firstOffset, lastOffset: plan.lastOffset, inserted: outcome.inserted })

      // 2. Commit the contiguous processed prefix: everything up to the run's last offset.
      resolveOffset(plan.lastOffset)
      try {
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(plan.lastOffset) + 1n).toString() }])
      } catch (err) {
        // The partition moved (rebalance) or the coordinator is gone: the new owner replays
        // from the last committed offset and finds these ids stored, so stop here.
        m.commitFailures.inc({ topic })
        log.warn({ err, topic, partition, offset: plan.lastOffset }, 'offset commit refused; the run will be replayed and deduplicated')
        // kafkajs wraps the broker's answer in a non-retriable error, which would stop the
        // consumer for good; its runner rejoins the group only when it sees the answer itself.
        throw membershipLost(err) ?? err
      }
      m.messages.inc({ outcome: 'inserted' }, outcome.inserted)
      m.messages.inc({ outcome: 'duplicate' }, outcome.alreadyStored + plan.repeatedInChunk)
      m.messages.inc({ outcome: 'dead_letter' }, plan.deadLetters.length)
      if (plan.repeatedInChunk > 0) m.dedupHits.inc({ where: 'chunk' }, plan.repeatedInChunk)
      if (outcome.alreadyStored > 0) m.dedupHits.inc({ where: 'stored' }, outcome.alreadyStored)
      for (const d of plan.deadLetters) m.deadLetters.inc({ code: d.error_code })
      m.flushRows.observe({}, plan.rows.length + plan.repeatedInChunk + plan.deadLetters.length)
      m.flushSeconds.observe({}, (performance.now() - started) / 1000)
      const high = BigInt(batch.highWatermark)
      const lag = high - (BigInt(plan.lastOffset) + 1n)
      m.lag.set({ topic, partition: String(partition) }, Number(lag > 0n ? lag : 0n))
      await heartbeat().catch((err: unknown) => {
        throw membershipLost(err) ?? err
      })
    }
  }

  // Partitions flush concurrently, and the idempotent producer breaks when two sends to one
  // partition overlap (the dead-letter topic has one), so its sends take turns.
  let dlqTail: Promise<unknown> = Promise.resolve()
  function oneDeadLetterSendAtATime(record: Parameters<Producer['send']>[0]): Promise<unknown> {
    const sent = dlqTail.then(() => dlqProducer.send(record))
    dlqTail = sent.catch(() => {})
    return sent
  }

  async function withClickHouseRetry<T>(heartbeat: () => Promise<void>, isRunning: () => boolean, fn: () => Promise<T>): Promise<T> {
    let delay = 200
    for (;;) {
      try {
        return await keepAlive(heartbeat, fn)
      } catch (err) {
        if (!isClickHouseUnavailable(err) || !isRunning()) throw err
        log.warn({ err, retryInMs: delay }, 'ClickHouse unavailable; retrying the flush')
        await new Promise((resolve) => setTimeout(resolve, delay))
        delay = Math.min(delay * 2, 5_000)
      }
    }
  }

  /** Heartbeats while a long step runs, so a slow insert does not cost the partition. */
  async function keepAlive<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      // A failed heartbeat (rebalance under way) surfaces at the commit; nothing to do here.
      heartbeat().catch(() => {})
    }, heartbeatInterval)
    try {
      return await fn()
    } finally {
      clearInterval(timer)
    }
  }

  return {
    failed,
    async start() {
      await dlqProducer.connect()
      await consumer.connect()
      await consumer.subscribe({ topic: opts.topic, fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 6,
        eachBatch,
      })
      log.info({ topic: opts.topic, flushRows, flushMs }, 'metering worker consuming')
    },
    close() {
      closing ??= (async () => {
        // disconnect() stops fetching, waits for the batch under way (its insert and commit),
        // then leaves the group so the partitions move at once instead of after the session timeout.
        await consumer.disconnect()
        await dlqProducer.disconnect()
        log.info('metering worker stopped')
      })()
      return closing
    },
  }
}

function isRetriable(err: Error): boolean {
  let cause: unknown = err
  while (cause instanceof Error) {
    if ((cause as { retriable?: boolean }).retriable === true) return true
    if (isClickHouseUnavailable(cause)) return true
    if (cause.cause === undefined || cause.cause === cause) break
    cause = cause.cause
  }
  return false
}

/** Answers that mean "this member is no longer in the group" (kafkajs rejoins on them). */
const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP'])

/** The broker's membership answer inside `err`'s causes, if there is one. */
function membershipLost(err: unknown): Error | undefined {
  for (let cause = err; cause instanceof Error; cause = cause.cause === cause ? undefined : cause.cause) {
    if (MEMBERSHIP_LOST.has((cause as { type?: string }).type ?? '')) return cause
  }
  return undefined
}
