// Proof 2 of issue 3: a metering worker killed with SIGKILL after a ClickHouse insert and
// before the offset commit; a new worker (the real `tally metering` command) takes over the
// group. No event is lost and none is counted twice, in raw events and in the rollups.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse } from '../../platform/clickhouse/openClickHouse.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { expectedSum, generatedEvents } from '../support/kafkaEvents.ts'
import { kafkaMeteringTotalsOf } from '../support/kafkaMeteringTotals.ts'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, waitForGroupCaughtUp, type TestTopics } from '../support/kafkaTestTopics.ts'

const EVENTS = Number(process.env.TALLY_FAULT_EVENTS ?? 10_000)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

let topics: TestTopics
let dataDir: string
const children: ChildProcess[] = []

beforeAll(async () => {
  topics = await createTestTopics({ partitions: 3 })
  dataDir = mkdtempSync(join(tmpdir(), 'tally-fault-crash-'))
})
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await topics?.destroy()
  if (dataDir?.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
})

function workerEnv(group: string): Record<string, string> {
  return {
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topics.events,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
    TALLY_KAFKA_GROUP_ID: group,
    ...SINGLE_BROKER_KAFKA_ENV,
    TALLY_KAFKA_SESSION_TIMEOUT_MS: '6000',
    TALLY_DATA_DIR: dataDir,
    TALLY_METERING_FLUSH_ROWS: '1000',
    TALLY_METERING_FLUSH_MS: '100',
    TALLY_METERING_PORT: '0',
    TALLY_LOG_LEVEL: 'warn',
  }
}

function run(child: ChildProcess): { lines: string[]; exited: Promise<{ code: number | null; signal: string | null }> } {
  children.push(child)
  const lines: string[] = []
  child.stdout?.on('data', (b: Buffer) =>
    lines.push(
      ...b
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    ),
  )
  child.stderr?.on('data', (b: Buffer) => process.stderr.write(b))
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { lines, exited }
}

describe('worker killed between insert and commit', () => {
  it('loses nothing and counts nothing twice after a new worker takes over', async () => {
    const org = 'org-crash'
    const events = generatedEvents({ orgId: org, count: EVENTS })
    const sink = await createKafkaEventSink({ kafka: topics.kafka, topic: topics.events, logger: topics.logger, telemetry: createTelemetry() })
    await Promise.all(Array.from({ length: EVENTS / 100 }, (_, i) => sink.write(events.slice(i * 100, i * 100 + 100))))
    await sink.close()
    const group = topics.group('crash')

    // 1. A worker that dies (SIGKILL) right after its third insert, before that commit.
    const first = run(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fault/workerProcess.ts'), JSON.stringify({ env: workerEnv(group), killAfterInserts: 3 })], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
    const killed = first.lines.find((l) => l.startsWith('INSERTED '))
    expect(killed).toBeDefined()
    const [, partition, range, rows] = killed!.split(' ')
    const firstOffset = BigInt(range!.split('-')[0]!)
    expect(Number(rows)).toBeGreaterThan(0)
    // The killed flush was inserted, and its offsets were not committed.
    const committed = await topics.admin.fetchOffsets({ groupId: group, topics: [topics.events] })
    const at = committed[0]!.partitions.find((p) => p.partition === Number(partition))!
    expect(BigInt(at.offset)).toBeLessThanOrEqual(firstOffset)

    // 2. The real `tally metering` takes over the group and the same ClickHouse data dir.
    const second = run(
      spawn(process.execPath, [join(ROOT, 'bin/tally.js'), 'metering'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...workerEnv(group) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    await waitForGroupCaughtUp(topics.admin, group, topics.events, 90_000)
    children.at(-1)!.kill('SIGTERM')
    expect(await second.exited).toEqual({ code: 0, signal: null })

    // 3. Count in the same data dir, now free.
    const handle = await openClickHouse({ dataDir })
    try {
      await migrateClickHouse(handle, meteringMigrationsDir)
      const sum = expectedSum(events)
      expect(await kafkaMeteringTotalsOf(handle, org)).toEqual({
        rows: EVENTS,
        distinct: EVENTS,
        rawSum: sum,
        hourEvents: EVENTS,
        minuteEvents: EVENTS,
        hourSum: sum,
        minuteSum: sum,
      })
    } finally {
      await handle.close()
    }
  }, 150_000)
})
