// Distributed mode's sink: accepted events go to the Kafka topic `tally.events`, and `write`
// resolves only once the broker acknowledged every one of them with acks=all (invariant 1).
//
// kafkajs has no linger, so this sink does the coalescing itself, with the event writer's
// group commit (`platform/groupCommit.ts`): concurrent writes queue up; an idle sink waits
// `lingerMs` for company, then one `send` carries up to `maxBatchEvents` events of many
// requests, packed into ONE record per partition (more only past `maxRecordBytes`): each
// event's partition is the one its event_id's key hash gives (platform/kafka/keyPartition.ts), set explicitly,
// so every copy of an event still reaches one partition and one worker, and the producer's
// cost, which is per record, is paid once per partition and send instead of once per event
// (wire format: metering/eventMessage.ts). One send is in flight at
// a time (kafkajs' idempotent producer assigns sequence numbers per send and breaks when two
// sends to a partition overlap); while it runs, the next batch fills.
//
// Failure handling:
// - Bounded memory: the bytes queued or in flight never exceed `maxInFlightBytes`; a write
//   that would pass it is refused at once with 503 `event_bus_unavailable` (backpressure).
// - Bounded wait: a write not acknowledged within `sendTimeoutMs` of arriving is answered
//   503. A 503 promises nothing either way: an event whose send was under way may still be
//   stored, and the client's retry of it is deduplicated by its event id downstream.
// - NOTE: after any failed send the producer is replaced by a new one (new producer id).
//   kafkajs advances an idempotent producer's sequence numbers only on success, so reusing
//   it after a send whose outcome is unknown could make the broker take a later batch of the
//   same size for a retry of the lost one and ack it without storing it.
import type { Kafka, Producer } from 'kafkajs'
import { CompressionTypes, Partitioners } from 'kafkajs'
import type { EventRow } from '../../metering/eventRow.ts'
import { eventLine, packEventRecords, type EventLine, type EventMessage } from '../../metering/eventMessage.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { createGroupCommitQueue } from '../../platform/groupCommit.ts'
import type { Logger } from '../../platform/logger.ts'
import { LATENCY_BUCKETS, SIZE_BUCKETS, type Telemetry } from '../../platform/telemetry/telemetry.ts'
import type { EventSink, SinkResult } from './eventSink.ts'

/**
 * The one thing the sink needs from a Kafka client: an idempotent producer that resolves `send`
 * once the broker acknowledged every message with acks=all, one send at a time. kafkajs by
 * default (`kafkajsEventProducers`); the bench plugs `@platformatic/kafka` in behind the same
 * port (test/bench/platformaticKafka.ts) to compare them (docs/benchmarks.md, issue 19).
 */
export interface EventProducer {
  /** Partitions of the topic when the producer connected (the sink places each event itself). */
  readonly partitions: number
  /** Each message goes to its `partition`. */
  send(messages: EventMessage[]): Promise<void>
  close(): Promise<void>
}

/** A new, connected producer (new producer id): the sink asks for one after any failed send. */
export type EventProducerFactory = () => Promise<EventProducer>

export interface KafkaEventSinkOptions {
  kafka: Kafka
  /** Overrides the kafkajs producer built from `kafka` (the bench's client comparison). */
  producers?: EventProducerFactory
  topic: string
  logger: Logger
  telemetry: Telemetry
  compression?: 'none' | 'gzip'
  /** Wait of the first event of an idle sink for more (ms); default 2. */
  lingerMs?: number
  /** Most events per send; default 10,000. A larger single write goes alone. */
  maxBatchEvents?: number
  /**
   * Most bytes of one packed record's value; default 1,000,000, under the worker's 1 MiB
   * `maxMessageBytes` and the broker's `message.max.bytes` (1 MiB + 12 by default).
   */
  maxRecordBytes?: number
  /** Bytes queued or in flight; default 64 MiB. */
  maxInFlightBytes?: number
  /** Longest a write waits for the ack (ms); default 5,000. */
  sendTimeoutMs?: number
}

interface Pending {
  lines: EventLine[]
  bytes: number
  enqueuedAt: number
  settled: boolean
  timer: NodeJS.Timeout
  resolve(result: SinkResult): void
  reject(err: unknown): void
}

const NO_DUPLICATES: ReadonlySet<string> = new Set()

/** Connects the producer; rejects when no broker answers. */
export async function createKafkaEventSink(opts: KafkaEventSinkOptions): Promise<EventSink> {
  const lingerMs = opts.lingerMs ?? 2
  const maxBatchEvents = opts.maxBatchEvents ?? 10_000
  const maxRecordBytes = opts.maxRecordBytes ?? 1_000_000
  const maxInFlightBytes = opts.maxInFlightBytes ?? 64 * 1024 * 1024
  const sendTimeoutMs = opts.sendTimeoutMs ?? 5_000
  const log = opts.logger.child({ component: 'kafka-sink' })
  const produced = opts.telemetry.counter('tally_gateway_produced_events_total', 'Events acknowledged by Kafka (acks=all).')
  const refused = opts.telemetry.counter(
    'tally_gateway_produce_refused_events_total',
    'Events answered 503 by the Kafka sink, by reason (backpressure, timeout, broker_error).',
    ['reason'],
  )
  const latency = opts.telemetry.histogram('tally_gateway_produce_latency_seconds', 'From a write entering the sink to the broker ack.', LATENCY_BUCKETS)
  const sendSize = opts.telemetry.histogram('tally_gateway_produce_batch_events', 'Events per send to the broker.', SIZE_BUCKETS)
  const inFlight = opts.telemetry.gauge('tally_gateway_produce_inflight_bytes', 'Bytes of events queued or in flight to the broker.')

  const newProducer = opts.producers ?? kafkajsEventProducers(opts.kafka, { topic: opts.topic, compression: opts.compression, sendTimeoutMs })
  let producer = await newProducer()
  let producerBroken = false

  let bytesHeld = 0
  let closed = false
  const queue = createGroupCommitQueue<Pending>({
    maxBatchSize: maxBatchEvents,
    lingerMs,
    sizeOf: (p) => p.lines.length,
    commit: send,
    discard(p) {
      if (!p.settled) return false
      // Timed out while queued: never sent, so certainly not stored.
      release(p)
      return true
    },
  })

  function release(p: Pending): void {
    bytesHeld -= p.bytes
    inFlight.set({}, bytesHeld)
  }

  function fail(p: Pending, reason: string, err: UnavailableError): void {
    if (p.settled) return
    p.settled = true
    clearTimeout(p.timer)
    refused.inc({ reason }, p.lines.length)
    p.reject(err)
  }

  async function send(batch: Pending[]): Promise<void> {
    let events = 0
    for (const p of batch) events += p.lines.length
    try {
      if (producerBroken) {
        await producer.close().catch(() => {})
        producer = await newProducer()
        producerBroken = false
      }
      await producer.send(packEventRecords({ lines: batch.flatMap((p) => p.lines), partitions: producer.partitions, maxBytes: maxRecordBytes }))
    } catch (err) {
      producerBroken = true
      log.warn({ err, events }, 'send to Kafka failed; the requests get 503')
      const unavailable = busUnavailable(`Kafka did not acknowledge the events: ${(err as Error).message}`)
      unavailable.cause = err
      for (const p of batch) {
        release(p)
        fail(p, 'broker_error', unavailable)
      }
      return
    }
    sendSize.observe({}, events)
    const now = performance.now()
    for (const p of batch) {
      release(p)
      if (p.settled) continue // answered 503 already; the event is stored, a retry dedups
      p.settled = true
      clearTimeout(p.timer)
      produced.inc({}, p.lines.length)
      latency.observe({}, (now - p.enqueuedAt) / 1000)
      p.resolve({ duplicates: NO_DUPLICATES })
    }
  }

  return {
    // The gateway would need a ClickHouse lookup per request to know; the drain makes the answer
    // true instead (metering/README.md, "Kafka worker"), so `accepted` here means durably queued.
    dedup: 'deferred',
    write(rows: EventRow[]): Promise<SinkResult> {
      if (closed) return Promise.reject(busUnavailable('The gateway is shutting down'))
      if (rows.length === 0) return Promise.resolve({ duplicates: NO_DUPLICATES })
      const lines = rows.map(eventLine)
      let bytes = 0
      for (const l of lines) bytes += l.bytes + 16
      if (bytesHeld + bytes > maxInFlightBytes && bytesHeld > 0) {
        refused.inc({ reason: 'backpressure' }, rows.length)
        return Promise.reject(busUnavailable(`The event bus is saturated (${bytesHeld} bytes waiting for the broker)`))
      }
      return new Promise<SinkResult>((resolve, reject) => {
        const pending: Pending = {
          lines,
          bytes,
          enqueuedAt: performance.now(),
          settled: false,
          resolve,
          reject,
          timer: setTimeout(() => {
            fail(pending, 'timeout', busUnavailable(`Kafka did not acknowledge the events within ${sendTimeoutMs} ms`))
          }, sendTimeoutMs),
        }
        bytesHeld += bytes
        inFlight.set({}, bytesHeld)
        queue.push(pending)
      })
    },
    async close() {
      closed = true
      await queue.flush()
      await producer.close()
    },
  }
}

/** The default producer: kafkajs, idempotent (one request in flight), acks=all; reads the partition count at creation. */
export function kafkajsEventProducers(kafka: Kafka, opts: { topic: string; compression?: 'none' | 'gzip'; sendTimeoutMs: number }): EventProducerFactory {
  const compression = opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None
  return async () => {
    const producer: Producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Few, quick retries: the sink's own deadline answers the client; the client retries.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    })
    await producer.connect()
    let partitions: number
    const admin = kafka.admin()
    try {
      await admin.connect()
      const metadata = await admin.fetchTopicMetadata({ topics: [opts.topic] })
      partitions = metadata.topics[0]!.partitions.length
    } catch (err) {
      await producer.disconnect().catch(() => {})
      throw err
    } finally {
      await admin.disconnect().catch(() => {})
    }
    return {
      partitions,
      async send(messages) {
        await producer.send({ topic: opts.topic, acks: -1, timeout: opts.sendTimeoutMs, compression, messages })
      },
      close: () => producer.disconnect(),
    }
  }
}

function busUnavailable(message: string): UnavailableError {
  return new UnavailableError('event_bus_unavailable', message, 1)
}
