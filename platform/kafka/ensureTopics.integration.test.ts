// Topic durability against the local single-node broker (deploy/local/up.sh): topics are
// created with the configured replication factor and min.insync.replicas as topic settings,
// and a process refuses to start, saying what to do, on a topic or a cluster below them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load.ts'
import { createLogger } from '../logger.ts'
import { createMeteringWorker } from '../../app/createMeteringWorker.ts'
import { deleteTestTopics, SINGLE_BROKER_DURABILITY, TEST_KAFKA_BROKERS } from '../../test/support/kafkaTestTopics.ts'
import { createKafka } from './kafkaClient.ts'
import { ensureTopics, TopicDurabilityError } from './ensureTopics.ts'

const logger = createLogger('silent')
let kafka: Kafka
let admin: Admin
let dataDir: string
const created: string[] = []

beforeAll(async () => {
  kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'tally-test', logger })
  admin = kafka.admin()
  await admin.connect()
  dataDir = mkdtempSync(join(tmpdir(), 'tally-topics-'))
})
afterAll(async () => {
  const existing = new Set(await admin.listTopics())
  await deleteTestTopics(
    admin,
    created.filter((t) => existing.has(t)),
  ).catch(() => {})
  await admin.disconnect()
  if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
})

function topicName(): string {
  const name = `tally-test-${randomBytes(5).toString('hex')}.events`
  created.push(name, `${name}.dlq`)
  return name
}

async function minInsync(topic: string): Promise<{ value: string; source: number }> {
  const res = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
  })
  const entry = res.resources[0]!.configEntries[0]!
  return { value: entry.configValue, source: entry.configSource }
}

/** Starts the real `tally metering` root against `topic`; resolves to its start error. */
async function startWorker(topic: string, env: Record<string, string>): Promise<Error> {
  const config = loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topic,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
    TALLY_KAFKA_GROUP_ID: `${topic}-group`,
    ...env,
  })
  const started = await createMeteringWorker(config, logger).then(
    async (w) => {
      await w.close()
      return null
    },
    (err: unknown) => err as Error,
  )
  expect(started).toBeInstanceOf(Error)
  return started!
}

const DYNAMIC_TOPIC_CONFIG = 1 // kafkajs ConfigSource: set on the topic itself, not inherited from the broker

describe('ensureTopics', () => {
  it('creates topics with the replication factor and min.insync.replicas set on the topic itself', async () => {
    const topic = topicName()
    await ensureTopics({ admin, topics: [{ topic, partitions: 3 }], durability: SINGLE_BROKER_DURABILITY, logger })
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(meta.topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([1, 1, 1])
    expect(await minInsync(topic)).toEqual({ value: '1', source: DYNAMIC_TOPIC_CONFIG })
    // Idempotent: a second start checks and passes.
    await ensureTopics({ admin, topics: [{ topic, partitions: 3 }], durability: SINGLE_BROKER_DURABILITY, logger })
  })

  it('with the default settings (3 replicas, 2 in sync) refuses to start on one broker and creates nothing', async () => {
    const topic = topicName()
    const err = await startWorker(topic, {})
    expect(err).toBeInstanceOf(TopicDurabilityError)
    expect(err.message).toContain(`creating "${topic}", "${topic}.dlq" needs 3 brokers (TALLY_KAFKA_REPLICATION_FACTOR=3); the cluster has 1 live`)
    expect(err.message).toContain('TALLY_KAFKA_REPLICATION_FACTOR=1 and TALLY_KAFKA_MIN_INSYNC_REPLICAS=1')
    expect((await admin.listTopics()).includes(topic)).toBe(false)
  })

  it('refuses to start on an existing topic with fewer replicas than configured', async () => {
    const topic = topicName()
    await ensureTopics({
      admin,
      topics: [
        { topic, partitions: 2 },
        { topic: `${topic}.dlq`, partitions: 1 },
      ],
      durability: SINGLE_BROKER_DURABILITY,
      logger,
    })
    const err = await startWorker(topic, { TALLY_KAFKA_REPLICATION_FACTOR: '2', TALLY_KAFKA_MIN_INSYNC_REPLICAS: '1' })
    expect(err).toBeInstanceOf(TopicDurabilityError)
    expect((err as TopicDurabilityError).problems).toEqual([
      `topic "${topic}" has 1 replica(s) per partition, fewer than TALLY_KAFKA_REPLICATION_FACTOR=2: an acknowledged event could exist on 1 broker(s) only. ` +
        'Add replicas with a partition reassignment (kafka-reassign-partitions.sh).',
      `topic "${topic}.dlq" has 1 replica(s) per partition, fewer than TALLY_KAFKA_REPLICATION_FACTOR=2: an acknowledged event could exist on 1 broker(s) only. ` +
        'Add replicas with a partition reassignment (kafka-reassign-partitions.sh).',
    ])
  })

  it('refuses to start on an existing topic whose min.insync.replicas is below the setting, and on too few brokers for it', async () => {
    const topic = topicName()
    await ensureTopics({
      admin,
      topics: [
        { topic, partitions: 2 },
        { topic: `${topic}.dlq`, partitions: 1 },
      ],
      durability: SINGLE_BROKER_DURABILITY,
      logger,
    })
    const err = await startWorker(topic, { TALLY_KAFKA_REPLICATION_FACTOR: '2', TALLY_KAFKA_MIN_INSYNC_REPLICAS: '2' })
    const problems = (err as TopicDurabilityError).problems
    expect(problems[0]).toBe('the cluster has 1 live broker(s); TALLY_KAFKA_MIN_INSYNC_REPLICAS=2 needs that many in sync, so no event could be acknowledged.')
    expect(problems).toContain(
      `topic "${topic}" has min.insync.replicas=1, below TALLY_KAFKA_MIN_INSYNC_REPLICAS=2: acks=all would be satisfied by 1 replica(s). ` +
        `Raise it: kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config min.insync.replicas=2`,
    )
    expect(err.message).toMatch(/^Kafka cannot give the configured durability:\n {2}- the cluster has 1 live broker/)
  })
})
