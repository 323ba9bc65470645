// Topics Tally writes with acks=all, created with an explicit replication factor and
// min.insync.replicas, and checked at every start. The broker default (`replicationFactor: -1`)
// is whatever the cluster says, often 1, and then acks=all means one copy: an acknowledged
// event lives on one disk. A process refuses to start rather than run on such a topic.
import type { Admin, ConfigResourceTypes } from 'kafkajs'
import type { Logger } from '../logger.ts'

export interface TopicSpec {
  topic: string
  partitions: number
}

export interface TopicDurability {
  /** Replicas of a created topic; the least an existing one may have (TALLY_KAFKA_REPLICATION_FACTOR). */
  replicationFactor: number
  /** Topic `min.insync.replicas` (TALLY_KAFKA_MIN_INSYNC_REPLICAS). */
  minInsyncReplicas: number
}

/** The topics or the cluster cannot give the configured durability; the message says what to do. */
export class TopicDurabilityError extends Error {
  constructor(readonly problems: string[]) {
    super(`Kafka cannot give the configured durability:\n${problems.map((p) => `  - ${p}`).join('\n')}\n${DEV_HINT}`)
    this.name = 'TopicDurabilityError'
  }
}

const DEV_HINT =
  'A single-broker development setup (deploy/local) runs with TALLY_KAFKA_REPLICATION_FACTOR=1 and TALLY_KAFKA_MIN_INSYNC_REPLICAS=1; never a production cluster.'
const MIN_ISR = 'min.insync.replicas'
// NOTE: kafkajs is CommonJS and Node's ESM loader does not see its `ConfigResourceTypes` export
// (it fails at run time, not in the type check), hence the enum's value for topics.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes

/**
 * Creates the topics that do not exist yet (the brokers run with auto-creation off, so partition
 * count and replication are always ours), then checks every topic against `durability`. A
 * partition count lower than asked is reported, never changed behind the operator's back.
 */
export async function ensureTopics(opts: { admin: Admin; topics: TopicSpec[]; durability: TopicDurability; logger: Logger }): Promise<void> {
  const { admin, topics, durability, logger } = opts
  const { replicationFactor: rf, minInsyncReplicas: minIsr } = durability
  const liveBrokers = (await admin.describeCluster()).brokers.length
  const existing = new Set(await admin.listTopics())
  const missing = topics.filter((t) => !existing.has(t.topic))
  if (missing.length > 0) {
    if (liveBrokers < rf) {
      throw new TopicDurabilityError([
        `creating ${missing.map((t) => `"${t.topic}"`).join(', ')} needs ${rf} brokers (TALLY_KAFKA_REPLICATION_FACTOR=${rf}); ` +
          `the cluster has ${liveBrokers} live. Start the missing brokers, or lower the setting to what the cluster really has.`,
      ])
    }
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: rf,
        configEntries: [{ name: MIN_ISR, value: String(minIsr) }],
      })),
    })
    logger.info({ topics: missing.map((t) => t.topic), replicationFactor: rf, minInsyncReplicas: minIsr }, 'created Kafka topics')
  }

  // Checked after creating too: another process may have created a topic first, with other settings.
  const problems: string[] = []
  if (liveBrokers < minIsr) {
    problems.push(
      `the cluster has ${liveBrokers} live broker(s); TALLY_KAFKA_MIN_INSYNC_REPLICAS=${minIsr} needs that many in sync, so no event could be acknowledged.`,
    )
  }
  const names = topics.map((t) => t.topic)
  const meta = await admin.fetchTopicMetadata({ topics: names })
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: [MIN_ISR] })),
  })
  for (const spec of topics) {
    const partitions = meta.topics.find((t) => t.name === spec.topic)?.partitions ?? []
    const replicas = Math.min(...partitions.map((p) => p.replicas.length))
    const topicIsr = Number(configs.resources.find((r) => r.resourceName === spec.topic)?.configEntries.find((e) => e.configName === MIN_ISR)?.configValue)
    if (replicas < rf) {
      problems.push(
        `topic "${spec.topic}" has ${replicas} replica(s) per partition, fewer than TALLY_KAFKA_REPLICATION_FACTOR=${rf}: ` +
          `an acknowledged event could exist on ${replicas} broker(s) only. Add replicas with a partition reassignment (kafka-reassign-partitions.sh).`,
      )
    }
    if (!(topicIsr >= minIsr)) {
      problems.push(
        `topic "${spec.topic}" has ${MIN_ISR}=${topicIsr}, below TALLY_KAFKA_MIN_INSYNC_REPLICAS=${minIsr}: acks=all would be satisfied by ${topicIsr} replica(s). ` +
          `Raise it: kafka-configs.sh --alter --entity-type topics --entity-name ${spec.topic} --add-config ${MIN_ISR}=${minIsr}`,
      )
    }
    if (partitions.length < spec.partitions) {
      logger.warn({ topic: spec.topic, partitions: partitions.length, configured: spec.partitions }, 'topic has fewer partitions than configured')
    }
    if (liveBrokers < replicas && liveBrokers >= minIsr) {
      logger.warn({ topic: spec.topic, replicas, liveBrokers }, 'fewer live brokers than replicas: the topic is under-replicated until they return')
    }
  }
  if (problems.length > 0) throw new TopicDurabilityError(problems)
}
