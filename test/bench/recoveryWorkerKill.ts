// Recovery figure 1 of docs/benchmarks.md ("Recovery"): a metering worker is SIGKILLed while two
// run in one group under a steady trickle of events, and a supervisor starts it again at once.
// Measured from the kill: (a) until every partition's committed offset has moved again, i.e. the
// dead worker's partitions have a new owner that commits; (b) until every partition has committed
// past the end offset it had at the kill (the backlog of the stall is drained). (b) is also
// measured without a kill, as the baseline of a busy machine.
// kafkajs has no static membership: the new member's join waits for the dead member's session
// to expire (eager rebalancing), so the figure follows TALLY_KAFKA_SESSION_TIMEOUT_MS.
//
//   npm run services:up
//   npx tsx test/bench/recoveryWorkerKill.ts [--sessions 10000,30000] [--runs 5]
// Real processes (`bin/tally.js metering`, chDB each), the local broker; not part of `npm test`.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createKafkaEventSink } from '../../ingest/sink/kafkaEventSink.ts'
import { createKafka } from '../../platform/kafka/kafkaClient.ts'
import { createLogger } from '../../platform/logger.ts'
import { createTelemetry } from '../../platform/telemetry/telemetry.ts'
import { generatedEvents } from '../support/kafkaEvents.ts'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, type TestTopics } from '../support/kafkaTestTopics.ts'
import { machineInfo } from './machine.ts'
import { summarize } from './stats.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PARTITIONS = 6

const { values: args } = parseArgs({ options: { sessions: { type: 'string', default: '10000,30000' }, runs: { type: 'string', default: '5' } } })
const sessions = args.sessions.split(',').map(Number)
const runs = Number(args.runs)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function startWorker(env: Record<string, string>, dataDir: string): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/tally.js'), 'metering'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, TALLY_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return child
}

async function stableMembers(topics: TestTopics, group: string, members: number): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(200)) {
    const { groups } = await topics.admin.describeGroups([group])
    if (groups[0]?.state === 'Stable' && groups[0].members.length === members) return
  }
  throw new Error(`group ${group} did not reach ${members} stable members`)
}

async function endOffsets(topics: TestTopics): Promise<Map<number, bigint>> {
  return new Map((await topics.admin.fetchTopicOffsets(topics.events)).map((p) => [p.partition, BigInt(p.high)]))
}

async function committedOffsets(topics: TestTopics, group: string): Promise<Map<number, bigint>> {
  const committed = await topics.admin.fetchOffsets({ groupId: group, topics: [topics.events] })
  return new Map(committed[0]!.partitions.map((p) => [p.partition, BigInt(p.offset)]))
}

/**
 * Milliseconds from `since` until every partition committed past `moved` (null: not asked), and
 * until every partition reached `ends`.
 */
async function msUntilCommitted(opts: { topics: TestTopics; group: string; since: number; moved: Map<number, bigint> | null; ends: Map<number, bigint> }) {
  let movedMs: number | null = null
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(50)) {
    const at = await committedOffsets(opts.topics, opts.group)
    const now = performance.now() - opts.since
    if (movedMs === null && opts.moved !== null && [...opts.moved].every(([p, c]) => (at.get(p) ?? -1n) > c)) movedMs = now
    if ([...opts.ends].every(([p, end]) => (at.get(p) ?? -1n) >= end)) return { movedMs: movedMs ?? now, drainedMs: now }
  }
  throw new Error('commits did not move again within 180 s')
}

async function measure(sessionMs: number): Promise<{ normal: number[]; moved: number[]; drained: number[] }> {
  const logger = createLogger('warn', 'bench-recovery')
  const topics = await createTestTopics({ partitions: PARTITIONS, logger })
  const group = topics.group(`kill-${sessionMs}`)
  const env = {
    TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    TALLY_KAFKA_TOPIC: topics.events,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
    TALLY_KAFKA_GROUP_ID: group,
    TALLY_KAFKA_SESSION_TIMEOUT_MS: String(sessionMs),
    TALLY_KAFKA_HEARTBEAT_INTERVAL_MS: String(Math.floor(sessionMs / 10)),
    TALLY_METERING_FLUSH_MS: '100',
    TALLY_METERING_PORT: '0',
    TALLY_LOG_LEVEL: 'warn',
    ...SINGLE_BROKER_KAFKA_ENV,
  }
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tally-bench-recovery-')))
  const workers = dirs.map((d) => startWorker(env, d))
  const sink = await createKafkaEventSink({
    kafka: createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'bench', logger }),
    topic: topics.events,
    logger,
    telemetry: createTelemetry(),
  })
  // ~600 events/s over all partitions: every partition has something to commit at all times.
  let producing = true
  let n = 0
  const producer = (async () => {
    while (producing) {
      await sink.write(generatedEvents({ orgId: 'org-bench', count: 60, prefix: `${randomBytes(4).toString('hex')}-${n++}` }))
      await sleep(100)
    }
  })()
  const normal: number[] = []
  const moved: number[] = []
  const drained: number[] = []
  try {
    await stableMembers(topics, group, 2)
    for (let run = 0; run < runs; run++) {
      await sleep(2_000)
      const t0 = performance.now()
      normal.push((await msUntilCommitted({ topics, group, since: t0, moved: null, ends: await endOffsets(topics) })).drainedMs)

      const [ends, before] = [await endOffsets(topics), await committedOffsets(topics, group)]
      const killedAt = performance.now()
      workers[0]!.kill('SIGKILL')
      await new Promise((r) => workers[0]!.once('exit', r))
      workers[0] = startWorker(env, dirs[0]!) // the supervisor's restart
      const ms = await msUntilCommitted({ topics, group, since: killedAt, moved: before, ends })
      moved.push(ms.movedMs)
      drained.push(ms.drainedMs)
      console.log(
        `session ${sessionMs} ms, run ${run + 1}: without a kill drained in ${Math.round(normal.at(-1)!)} ms; ` +
          `after SIGKILL every partition moved in ${Math.round(ms.movedMs)} ms, drained in ${Math.round(ms.drainedMs)} ms`,
      )
      await stableMembers(topics, group, 2)
    }
  } finally {
    producing = false
    await producer
    await sink.close()
    for (const w of workers) w.kill('SIGTERM')
    await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => w.once('exit', r)) : null)))
    await topics.destroy()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
  return { normal, moved, drained }
}

const machine = await machineInfo()
console.log(
  `machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.ramGB} GB, ${machine.os}, node ${machine.node}, kafka ${machine.versions['kafka broker']}, kafkajs ${machine.versions.kafkajs}; load ${machine.loadAtStart.join(' / ')}`,
)
const rows: string[] = []
for (const sessionMs of sessions) {
  const { normal, moved, drained } = await measure(sessionMs)
  const fmt = (v: number[]) => {
    const r = summarize(v)
    return `${(r.median / 1000).toFixed(1)} s (${(r.min / 1000).toFixed(1)}–${(r.max / 1000).toFixed(1)})`
  }
  rows.push(`| ${sessionMs / 1000} s | ${moved.length} | ${fmt(moved)} | ${fmt(drained)} | ${fmt(normal)} |`)
}
console.log('\n| session timeout | runs | SIGKILL → commits move on every partition | SIGKILL → backlog drained | no kill → drained |')
console.log('| --- | --- | --- | --- | --- |')
for (const row of rows) console.log(row)
