// Two metering worker processes (the real composition root, `workerProcess.ts`) in one consumer
// group, sharing the partitions of one topic and one ClickHouse (issue 19, "Kafka path"): each
// drains the partitions the group gave it, every acknowledged event is counted once in `events`
// and both rollups, and when one is SIGKILLed under load the other takes its partitions over
// and the counts stay exact.
//
// Two processes cannot share an embedded chDB (one data directory per process), so ClickHouse
// here is `test/sources/chdbHttpServer.ts`: ClickHouse's HTTP interface over a real chDB engine
// in a third process, what a ClickHouse server is to `tally metering` in distributed mode.
// NOTE: that harness runs one statement at a time, so the two workers' inserts take turns in
// the engine; what runs in parallel is the rest (fetch, decode, lookup planning). The test
// proves the sharing and the counts, not a speed-up (docs/benchmarks.md, issue 19).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import type { EventSink } from '../../ingest/sink/eventSink.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { startChdbHttp, type ChdbHttp } from '../sources/chdbHttp.ts'
import { expectedSum, generatedEvents } from '../support/kafkaEvents.ts'
import { kafkaMeteringTotalsOf } from '../support/kafkaMeteringTotals.ts'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'

const PARTITIONS = 6
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

let topics: TestTopics
let server: ChdbHttp
let clickhouseUrl: string
let handle: ClickHouseHandle
const dataDirs: string[] = []
const children: ChildProcess[] = []

beforeAll(async () => {
  topics = await createTestTopics({ partitions: PARTITIONS })
  server = await startChdbHttp({ user: 'tally', password: 'two-workers' })
  clickhouseUrl = `${server.url.replace('http://', 'http://tally:two-workers@')}/tally`
  // Migrated once here, so the two workers do not race on the migrations table.
  handle = await openClickHouse({ url: clickhouseUrl, dataDir: tmpdir() })
  await migrateClickHouse(handle, meteringMigrationsDir)
})
// A test that failed leaves its workers running; another group writing the same ClickHouse
// would replay the topic beside the next test's group (not a supported topology), so they go.
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})
afterAll(async () => {
  await handle?.close()
  await server?.stop()
  await topics?.destroy()
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true })
})

interface Flush {
  partition: number
  first: bigint
  last: bigint
  inserted: number
}

interface WorkerChild {
  child: ChildProcess
  flushes: Flush[]
  ready: Promise<void>
  exited: Promise<{ code: number | null; signal: string | null }>
}

function startWorker(group: string): WorkerChild {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-two-workers-'))
  dataDirs.push(dataDir)
  const env = {
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topics.events,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
    TALLY_KAFKA_GROUP_ID: group,
    TALLY_KAFKA_PARTITIONS: String(PARTITIONS),
    ...SINGLE_BROKER_KAFKA_ENV,
    TALLY_KAFKA_SESSION_TIMEOUT_MS: '6000',
    TALLY_CLICKHOUSE_URL: clickhouseUrl,
    TALLY_DATA_DIR: dataDir,
    TALLY_METERING_FLUSH_ROWS: '500',
    TALLY_METERING_FLUSH_MS: '100',
    TALLY_METERING_PORT: '0',
    TALLY_LOG_LEVEL: 'warn',
  }
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fault/workerProcess.ts'), JSON.stringify({ env, announceFlushes: true })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const flushes: Flush[] = []
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  let rest = ''
  child.stdout!.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      if (line === 'READY') markReady()
      const m = /^FLUSHED (\d+) (\d+)-(\d+) (\d+)$/.exec(line)
      if (m !== null) flushes.push({ partition: Number(m[1]), first: BigInt(m[2]!), last: BigInt(m[3]!), inserted: Number(m[4]) })
    }
  })
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(b))
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, flushes, ready, exited }
}

async function stopWorker(w: WorkerChild): Promise<void> {
  w.child.kill('SIGTERM')
  expect(await w.exited).toEqual({ code: 0, signal: null })
}

/** Waits until the group is stable with `members` members, each holding at least one partition. */
async function waitForMembers(group: string, members: number): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const g = (await topics.admin.describeGroups([group])).groups[0]
    if (g?.state === 'Stable' && g.members.length === members) return
    if (Date.now() > deadline) throw new Error(`group ${group} not stable with ${members} members: ${g?.state} ${g?.members.length}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const partitionsOf = (flushes: Flush[]) => new Set(flushes.filter((f) => f.inserted > 0).map((f) => f.partition))
const insertedBy = (flushes: Flush[]) => flushes.reduce((n, f) => n + f.inserted, 0)

/** 100-event writes, 20 at a time, as a gateway under load sends them; every write acknowledged. */
async function sendAll(sink: EventSink, events: EventRow[]): Promise<void> {
  for (let wave = 0; wave < events.length; wave += 2_000) {
    const writes: Promise<unknown>[] = []
    for (let i = wave; i < Math.min(wave + 2_000, events.length); i += 100) writes.push(sink.write(events.slice(i, i + 100)))
    await Promise.all(writes)
  }
}

function expectedTotals(events: EventRow[]) {
  const sum = expectedSum(events)
  const n = events.length
  return { rows: n, distinct: n, rawSum: sum, hourEvents: n, minuteEvents: n, hourSum: sum, minuteSum: sum }
}

/** Two workers in a fresh group, both members of it and assigned, and a sink to load the topic. */
async function twoWorkers(name: string, org: string, count: number, prefix: string) {
  const events = generatedEvents({ orgId: org, count, prefix })
  const group = topics.group(name)
  const a = startWorker(group)
  await a.ready
  const b = startWorker(group)
  await b.ready
  await waitForMembers(group, 2)
  const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
  return { events, group, a, b, sink }
}

describe('two metering worker processes in one group', () => {
  it('each drains its own partitions; every acknowledged event counted once', async () => {
    const org = 'org-two-procs'
    const { events, group, a, b, sink } = await twoWorkers('procs', org, 12_000, 'pair')
    await sendAll(sink, events)
    // Some sent again at new offsets (a client retrying after a lost 202): dropped by the lookup.
    await sendAll(sink, events.slice(0, 1_000))
    await sink.close()
    await waitForGroupCaughtUp(topics.admin, group, topics.events, 120_000)

    const aParts = partitionsOf(a.flushes)
    const bParts = partitionsOf(b.flushes)
    // Both drained, and no partition was drained by both (the group gave each to one member).
    expect(aParts.size).toBeGreaterThan(0)
    expect(bParts.size).toBeGreaterThan(0)
    expect([...aParts].filter((p) => bParts.has(p))).toEqual([])
    expect(aParts.size + bParts.size).toBe(PARTITIONS)
    expect(insertedBy(a.flushes) + insertedBy(b.flushes)).toBe(events.length)
    expect(await kafkaMeteringTotalsOf(handle, org)).toEqual(expectedTotals(events))
    // Each partition's rows were written through its own drain slot (p + 1), by its one owner.
    const slots = await (
      await handle.client.query({
        query: 'SELECT writer_slot, count() AS n FROM events WHERE org_id = {org:String} GROUP BY writer_slot ORDER BY writer_slot',
        query_params: { org },
        format: 'JSONEachRow',
      })
    ).json<{ writer_slot: number; n: string }>()
    expect(slots.map((s) => Number(s.writer_slot))).toEqual(Array.from({ length: PARTITIONS }, (_, p) => p + 1))
    for (const s of slots) {
      const p = Number(s.writer_slot) - 1
      const by = aParts.has(p) ? a.flushes : b.flushes
      expect(by.filter((f) => f.partition === p).reduce((n, f) => n + f.inserted, 0)).toBe(Number(s.n))
    }
    await stopWorker(a)
    await stopWorker(b)
  }, 180_000)

  it('one worker SIGKILLed under load: the other takes its partitions over, counts still exact', async () => {
    const org = 'org-two-procs-kill'
    const { events, group, a, b, sink } = await twoWorkers('procs-kill', org, 20_000, 'kill')
    // Load in waves, so the kill lands while events keep arriving and both workers are flushing.
    const sending = (async () => {
      for (let i = 0; i < events.length; i += 2_000) {
        await sendAll(sink, events.slice(i, i + 2_000))
        await new Promise((r) => setTimeout(r, 150))
      }
    })()
    const deadline = Date.now() + 60_000
    while (partitionsOf(a.flushes).size === 0 || a.flushes.length < 3) {
      if (Date.now() > deadline) throw new Error(`worker A flushed ${a.flushes.length} times in 60 s`)
      await new Promise((r) => setTimeout(r, 20))
    }
    a.child.kill('SIGKILL')
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' })
    const aParts = partitionsOf(a.flushes)
    const bBefore = partitionsOf(b.flushes)
    const bFlushesBefore = b.flushes.length
    await sending
    // Sent again after the kill: the survivor drops what it finds stored.
    await sendAll(sink, events.slice(0, 2_000))
    await sink.close()
    await waitForGroupCaughtUp(topics.admin, group, topics.events, 120_000)

    // The survivor drained A's partitions after the kill (B had none of them before).
    expect([...aParts].filter((p) => bBefore.has(p))).toEqual([])
    const bAfter = new Set(b.flushes.slice(bFlushesBefore).map((f) => f.partition))
    for (const p of aParts) expect(bAfter.has(p)).toBe(true)
    expect(await kafkaMeteringTotalsOf(handle, org)).toEqual(expectedTotals(events))
    await stopWorker(b)
  }, 240_000)
})
