// The session timeout of `tally metering` is the one configured, as the broker received it:
// read from the group state the coordinator stored in `__consumer_offsets`, not from our own
// options. It bounds how long a crashed worker's partitions stand still (docs/benchmarks.md,
// "Recovery"), so a default or a setting that silently did not reach the broker would cost that.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../platform/config/load.ts'
import { createLogger } from '../platform/logger.ts'
import { storedGroupMembers } from '../test/support/kafkaGroupMembers.ts'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, type TestTopics } from '../test/support/kafkaTestTopics.ts'
import { createMeteringWorker } from './createMeteringWorker.ts'

let topics: TestTopics
let dataDir: string

beforeAll(async () => {
  topics = await createTestTopics({ partitions: 2 })
  dataDir = mkdtempSync(join(tmpdir(), 'tally-group-timeouts-'))
})
afterAll(async () => {
  await topics?.destroy()
  if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
})

async function joinedMember(env: Record<string, string>) {
  const groupId = topics.group('timeouts')
  const config = loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topics.events,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
    TALLY_KAFKA_GROUP_ID: groupId,
    ...SINGLE_BROKER_KAFKA_ENV,
    ...env,
  })
  const worker = await createMeteringWorker(config, createLogger('silent'))
  try {
    return await storedGroupMembers({ kafka: topics.kafka, groupId, members: 1 })
  } finally {
    await worker.close()
  }
}

describe('the metering worker’s group timeouts, as stored by the broker', () => {
  it('default to a 10 s session (not kafkajs’ 30 s) and a 60 s rebalance timeout', async () => {
    const members = await joinedMember({})
    expect(members.map((m) => [m.clientId, m.sessionTimeoutMs, m.rebalanceTimeoutMs])).toEqual([['tally-metering', 10_000, 60_000]])
  })

  it('follow TALLY_KAFKA_SESSION_TIMEOUT_MS', async () => {
    const members = await joinedMember({ TALLY_KAFKA_SESSION_TIMEOUT_MS: '7000', TALLY_KAFKA_HEARTBEAT_INTERVAL_MS: '2000' })
    expect(members.map((m) => [m.sessionTimeoutMs, m.rebalanceTimeoutMs])).toEqual([[7_000, 60_000]])
  })
})
