// What a producer is told when it sends an event again in Kafka mode (`tally start` with
// TALLY_KAFKA_BROKERS, on the local broker): the gateway cannot know without a lookup whether the
// event is stored, so it answers `accepted` with `dedup: "deferred"` (durably queued; the drain
// drops what is already stored), and the event still counts once in `events` and in the usage.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createStreamingTally, type StreamingTally } from '../../app/createStreamingTally.ts'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'
import { REFERENCE_ORG, TEST_KEY } from '../support/tallyHarness.ts'

let topics: TestTopics
let tally: StreamingTally
let dataDir: string
let group: string

beforeAll(async () => {
  topics = await createTestTopics({ partitions: 2 })
  dataDir = mkdtempSync(join(tmpdir(), 'tally-kafka-resend-'))
  group = topics.group('resend')
  const config = loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: REFERENCE_ORG,
    TALLY_BOOTSTRAP_API_KEY: TEST_KEY,
    TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'true',
    TALLY_RATING_CRON: 'off',
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topics.events,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
    TALLY_KAFKA_GROUP_ID: group,
    TALLY_METERING_FLUSH_MS: '100',
    ...SINGLE_BROKER_KAFKA_ENV,
  })
  tally = await createStreamingTally(config, createLogger('silent'))
}, 120_000)
afterAll(async () => {
  await tally?.close()
  await topics?.destroy()
  if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await tally.app.request(path, {
    method,
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

const single = { data: { value: '2' }, timestamp: '2024-03-05 10:15:30.000', customer_id: 'cust-1' }
const batched = { raw_metric: 'api_calls', event_id: 'batch-1', customer_id: 'cust-1', timestamp: '2024-03-05 10:20:00.000', data: { value: '5' } }

describe('a re-sent event in Kafka mode', () => {
  it('is answered accepted with dedup "deferred", and counted once after the drain', async () => {
    expect((await api('POST', '/v1/raw-metrics', { name: 'api_calls' })).status).toBe(201)

    const first = await api('POST', '/usage/api_calls', single)
    expect(first).toEqual({ status: 202, body: { event_id: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'accepted', dedup: 'deferred' } })
    const batch = await api('POST', '/v1/events', [batched])
    expect(batch.body).toMatchObject({ accepted: 1, duplicates: 0, dedup: 'deferred' })
    await waitForGroupCaughtUp(topics.admin, group, topics.events)

    // Both stored by now; sent again, the gateway still cannot tell, and says so.
    const again = await api('POST', '/usage/api_calls', single)
    expect(again).toEqual({ status: 202, body: { event_id: first.body.event_id, status: 'accepted', dedup: 'deferred' } })
    // A repeat inside one request is known without a lookup: that one is reported.
    const batchAgain = await api('POST', '/v1/events', [batched, batched])
    expect(batchAgain).toEqual({
      status: 202,
      body: {
        accepted: 1,
        duplicates: 1,
        rejected: 0,
        events: [
          { index: 0, event_id: 'batch-1', status: 'accepted' },
          { index: 1, event_id: 'batch-1', status: 'duplicate' },
        ],
        errors: [],
        dedup: 'deferred',
      },
    })
    await waitForGroupCaughtUp(topics.admin, group, topics.events)

    // Four copies went through Kafka; the drain stored each event once.
    const offsets = await topics.admin.fetchTopicOffsets(topics.events)
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(4)
    const rows = await tally.clickhouse.client.query({
      query: 'SELECT event_id, count() AS n FROM events WHERE org_id = {org:String} GROUP BY event_id ORDER BY event_id',
      query_params: { org: REFERENCE_ORG },
      format: 'JSONEachRow',
    })
    expect((await rows.json<{ event_id: string; n: string | number }>()).map((r) => [r.event_id, Number(r.n)])).toEqual([
      ['batch-1', 1],
      [first.body.event_id, 1],
    ])
    const usage = await api('GET', '/v1/usage?raw_metric=api_calls&from=2024-03-05T00:00:00Z&to=2024-03-06T00:00:00Z&granularity=day')
    expect(usage.body.buckets).toEqual([
      { bucket: '2024-03-05T00:00:00.000Z', customer_id: 'cust-1', events: '2', fields: { value: { count: '2', sum: '7', min: '2', max: '5' } } },
    ])
  }, 120_000)
})
