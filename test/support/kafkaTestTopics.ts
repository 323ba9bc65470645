// Throwaway Kafka topics for one integration test file on the local broker
// (deploy/local/up.sh; CI starts it before `npm test`). Names start with `tally-test-`, and the
// cleanup refuses to delete any other topic.
import { randomBytes } from 'node:crypto'
import type { Admin, Kafka } from 'kafkajs'
import { createKafka } from '../../platform/kafka/kafkaClient.ts'
import { createLogger, type Logger } from '../../platform/logger.ts'

export const TEST_KAFKA_BROKERS = (process.env.TALLY_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')

/**
 * The test brokers are single nodes (deploy/local, kafkaPrivateBroker), so the tests ask for one
 * replica explicitly; the config defaults (3 and 2) are a cluster's and refuse to start here.
 */
export const SINGLE_BROKER_DURABILITY = { replicationFactor: 1, minInsyncReplicas: 1 }
/** The same, as the `TALLY_*` variables a test passes to `loadConfig` or to a child process. */
export const SINGLE_BROKER_KAFKA_ENV = { TALLY_KAFKA_REPLICATION_FACTOR: '1', TALLY_KAFKA_MIN_INSYNC_REPLICAS: '1' }

const SINGLE_BROKER_TOPIC = { replicationFactor: 1, configEntries: [{ name: 'min.insync.replicas', value: '1' }] }

const TEST_TOPIC = /^tally-test-[a-z0-9-]+(\.[a-z]+)*$/

export interface TestTopics {
  kafka: Kafka
  admin: Admin
  logger: Logger
  /** Events topic and its dead-letter topic, both created. */
  events: string
  deadLetters: string
  /** A fresh consumer group name. */
  group(name?: string): string
  /** Deletes the topics and disconnects. */
  destroy(): Promise<void>
}

export async function createTestTopics(opts: { partitions: number; brokers?: string[]; logger?: Logger }): Promise<TestTopics> {
  const logger = opts.logger ?? createLogger('silent')
  const brokers = opts.brokers ?? TEST_KAFKA_BROKERS
  const kafka = createKafka({ brokers, clientId: 'tally-test', logger })
  const admin = kafka.admin()
  try {
    await admin.connect()
  } catch (err) {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')} (${(err as Error).message}). Start it with \`deploy/local/up.sh\` (npm run services:up).`, {
      cause: err,
    })
  }
  const id = randomBytes(5).toString('hex')
  const events = `tally-test-${id}.events`
  const deadLetters = `tally-test-${id}.events.dlq`
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: events, numPartitions: opts.partitions, ...SINGLE_BROKER_TOPIC },
      { topic: deadLetters, numPartitions: 1, ...SINGLE_BROKER_TOPIC },
    ],
  })
  let groups = 0
  return {
    kafka,
    admin,
    logger,
    events,
    deadLetters,
    group: (name = 'g') => `tally-test-${id}-${name}-${++groups}`,
    async destroy() {
      await deleteTestTopics(admin, [events, deadLetters]).catch(() => {})
      await admin.disconnect()
    },
  }
}

export async function deleteTestTopics(admin: Admin, topics: string[]): Promise<void> {
  for (const t of topics) {
    if (!TEST_TOPIC.test(t)) throw new Error(`refusing to delete topic "${t}": tests delete only tally-test-* topics`)
  }
  await admin.deleteTopics({ topics })
}

/**
 * Runs `read` again while the broker answers with an error Kafka marks retriable (after many
 * group creations the coordinator can move: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS),
 * up to 40 tries 250 ms apart; anything else is thrown at once.
 */
async function retryRetriable<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read()
    } catch (err) {
      if (attempt >= 40 || (err as { retriable?: boolean }).retriable !== true) throw err
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

/** Sum over partitions of (end offset − committed offset) of a group; 0 when it consumed everything. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await retryRetriable(() => Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]))
  const done = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? [])
  let lag = 0n
  for (const p of ends) {
    const c = done.get(p.partition) ?? -1n
    const end = BigInt(p.high)
    lag += c < 0n ? end - BigInt(p.low) : end - c
  }
  return Number(lag)
}

/** Waits until the group has committed everything up to the end of every partition. */
export async function waitForGroupCaughtUp(admin: Admin, groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lag = -1
  while (Date.now() < deadline) {
    lag = await groupLag(admin, groupId, topic)
    if (lag === 0) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`consumer group ${groupId} still ${lag} messages behind on ${topic} after ${timeoutMs} ms`)
}
