// Stage 3's producer comparison in one process: Tally's KafkaEventSink (group commit, linger,
// acks=all, idempotent producer) against a raw kafkajs loop sending the same packed records
// with the same producer settings, concurrency and batch size, to the same broker; and the same
// sink over @platformatic/kafka's producer instead of kafkajs' (platformaticKafka.ts).
import { Partitioners } from 'kafkajs'
import { eventLine, packEventRecords } from '../../metering/eventMessage.ts'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import { ensureTopics } from '../../platform/kafka/ensureTopics.ts'
import { createKafka } from '../../platform/kafka/kafkaClient.ts'
import { createLogger } from '../../platform/logger.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { SINGLE_BROKER_DURABILITY } from '../support/kafkaTestTopics.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { cpuSec, peakRssMB, serveChild } from './chdbChild.ts'
import { eventRows } from './events.ts'
import { platformaticEventProducers } from './platformaticKafka.ts'
import { percentile } from './stats.ts'

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const [brokers = '127.0.0.1:9092', topic = 'bench.producer', batchText = '100', concurrencyText = '32'] = process.argv.slice(2)
    const batchSize = Number(batchText)
    const concurrency = Number(concurrencyText)
    const logger = createLogger('warn', 'bench-kafka')
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'tally-bench', logger })
    const admin = kafka.admin()
    await admin.connect()
    await ensureTopics({ admin, topics: [{ topic, partitions: 6 }], durability: SINGLE_BROKER_DURABILITY, logger })
    await admin.disconnect()
    const sink = await createKafkaEventSink({ kafka, topic, logger, telemetry: createTelemetry() })
    // The same sink over @platformatic/kafka's producer (issue 19's client comparison).
    const platformaticSink = await createKafkaEventSink({
      kafka,
      topic,
      logger,
      telemetry: createTelemetry(),
      producers: platformaticEventProducers({ brokers: brokers.split(','), topic }),
    })
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    })
    await producer.connect()
    let batchNo = 0
    return {
      ready: {},
      async handle(msg) {
        const side = String(msg.side)
        const deadline = performance.now() + Number(msg.durationMs)
        const latencies: number[] = []
        let events = 0
        const c0 = cpuSec()
        const t0 = performance.now()
        const loop = async () => {
          while (performance.now() < deadline) {
            const rows = eventRows({
              count: batchSize,
              orgId: BENCH_ORG,
              rawMetric: BENCH_METRIC,
              customers: 200,
              seed: batchNo,
              idPrefix: `k${Date.now()}-${batchNo++}`,
            })
            const t = performance.now()
            if (side === 'sink') await sink.write(rows)
            else if (side === 'platformatic') await platformaticSink.write(rows)
            else await producer.send({ topic, acks: -1, messages: packEventRecords({ lines: rows.map(eventLine), partitions: 6, maxBytes: 1_000_000 }) })
            latencies.push(performance.now() - t)
            events += rows.length
          }
        }
        await Promise.all(Array.from({ length: concurrency }, loop))
        const seconds = (performance.now() - t0) / 1000
        latencies.sort((a, b) => a - b)
        return {
          events,
          rate: events / seconds,
          seconds,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
          cpuSec: cpuSec() - c0,
          peakRssMB: peakRssMB(),
        }
      },
      async close() {
        await sink.close()
        await platformaticSink.close()
        await producer.disconnect()
      },
    }
  })
}
