// A metering worker that the coordinator dropped from its group (no heartbeat within the
// session timeout: a stalled event loop, a long pause on a loaded machine) has its next offset
// commit refused with UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION. That is a rebalance, not a
// fault: the worker must rejoin, replay from the last committed offset, find the run it
// inserted already stored, and go on. Found by the issue-12 kill campaign at load 13: the
// worker stopped for good ("an error it must not skip") and its partitions stood still.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import { createMeteringWorker } from '../../metering/worker/meteringWorker.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { openTestClickHouse, type TestClickHouse } from '../support/clickhouseTestHandle.ts'
import { expectedSum, generatedEvents } from '../support/kafkaEvents.ts'
import { kafkaMeteringTotalsOf } from '../support/kafkaMeteringTotals.ts'
import { createTestTopics, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'

const SESSION_TIMEOUT_MS = 6_000 // the broker's group.min.session.timeout.ms

let ch: TestClickHouse
let topics: TestTopics
beforeAll(async () => {
  ch = await openTestClickHouse('tally-fault-evicted-')
  topics = await createTestTopics({ partitions: 1 })
})
afterAll(async () => {
  await topics?.destroy()
  await ch?.destroy()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a metering worker dropped from its group between insert and commit', () => {
  it('rejoins, replays the run it inserted, and counts every event once', async () => {
    const org = 'org-evicted'
    const events = generatedEvents({ orgId: org, count: 3_000 })
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
    await sink.write(events)
    await sink.close()

    const telemetry = createTelemetry()
    const group = topics.group('evicted')
    let stalls = 0
    const worker = createMeteringWorker({
      kafka: topics.kafka,
      clickhouse: ch.handle,
      logger: topics.logger,
      telemetry,
      topic: topics.events,
      deadLetterTopic: topics.deadLetters,
      groupId: group,
      flushRows: 1_000,
      flushMs: 100,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      // The first run stalls past the session timeout after its insert, sending no heartbeat,
      // so the coordinator drops the member before the commit.
      afterInsert: async () => {
        if (stalls++ === 0) await sleep(SESSION_TIMEOUT_MS + 4_000)
      },
    })
    try {
      await worker.start()
      // A worker that stops instead of rejoining fails here at once, not after the wait.
      await Promise.race([waitForGroupCaughtUp(topics.admin, group, topics.events, 90_000), worker.failed])
      const rendered = await telemetry.render()
      expect(rendered).toMatch(/tally_metering_commit_failures_total\{topic="[^"]+"\} [1-9]/)
      // The replay found the stalled run's rows stored and dropped them.
      expect(rendered).toMatch(/tally_metering_messages_total\{outcome="duplicate"\} [1-9]/)
      const sum = expectedSum(events)
      expect(await kafkaMeteringTotalsOf(ch.handle, org)).toEqual({
        rows: 3_000,
        distinct: 3_000,
        rawSum: sum,
        hourEvents: 3_000,
        minuteEvents: 3_000,
        hourSum: sum,
        minuteSum: sum,
      })
    } finally {
      await worker.close()
    }
  }, 120_000)
})
