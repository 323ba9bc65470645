// The event log drained into the real engine (chDB) through slot 0, including a drain that died
// between its insert and its release, and inserts that fail until the table is back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Decimal } from 'decimal.js'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { createDrainSlot, DIRECT_SLOT } from '../drainSlot.ts'
import { queryUsage } from '../usageQuery.ts'
import { openLocalEventLog, type LocalEventLog } from './localEventLog.ts'
import { startLocalLogDrain } from './localLogDrain.ts'

const WINDOW_MS = 34 * 86_400_000
let ch: TestClickHouse
const logDirs: string[] = []
beforeAll(async () => {
  ch = await openTestClickHouse()
})
afterAll(async () => {
  await ch.destroy()
  for (const dir of logDirs) rmSync(dir, { recursive: true, force: true })
})

function freshLog(): LocalEventLog {
  const dir = mkdtempSync(join(tmpdir(), 'tally-eventlog-drain-'))
  logDirs.push(dir)
  return openLocalEventLog({ path: dir, maxBytes: 1 << 24 })
}

/** A logger whose `error` lines resolve `failed` (the drain reports each failed batch there). */
function watchedLogger() {
  let onError: () => void = () => {}
  const failed = new Promise<void>((resolve) => (onError = resolve))
  const logger = pino({ level: 'error' }, { write: () => onError() })
  return { logger, failed }
}

const quiet = pino({ level: 'silent' })
const drainOf = (log: LocalEventLog, logger = quiet) =>
  startLocalLogDrain({ log, handle: ch.handle, logger, dedupWindowMs: WINDOW_MS, flushRows: 1_000, flushMs: 200 })

/** Stored events and distinct ids from `events`; events and the cpu sum as `GET /v1/usage` reads them from the rollup. */
async function totals(org: string) {
  const rs = await ch.handle.client.query({
    query: 'SELECT toString(count()) AS events, toString(uniqExact(event_id)) AS ids FROM events WHERE org_id = {org:String}',
    query_params: { org },
    format: 'JSONEachRow',
  })
  const stored = (await rs.json<{ events: string; ids: string }>())[0]!
  const usage = await queryUsage(ch.handle, { orgId: org, rawMetric: 'cpu_usage', from: DAY.from, to: DAY.to, granularity: 'hour' })
  const rolled = usage.buckets.reduce((n, b) => n.plus(b.events), new Decimal(0))
  const cpu = usage.buckets.reduce((n, b) => n.plus(b.fields.cpu?.sum ?? '0'), new Decimal(0))
  return { ...stored, usage_events: rolled.toString(), usage_cpu: cpu.toString() }
}

/** The day of `eventRow`'s default timestamp. */
const DAY = { from: new Date('2024-03-05T00:00:00Z'), to: new Date('2024-03-06T00:00:00Z') }

const rowsOf = (org: string, ids: string[]) => ids.map((id, i) => eventRow({ org_id: org, event_id: id, data: `{"cpu":"${i + 1}"}` }))

describe('event log drain', () => {
  it('stores each appended event once (a repeat in a later append never enters the log), and empties the log', async () => {
    const log = freshLog()
    const drain = drainOf(log)
    await log.append(rowsOf('org-drain', ['a', 'b', 'c'])) // cpu 1 + 2 + 3
    await log.append(rowsOf('org-drain', ['a'])) // a repeat of a: the log's id index keeps it out
    await drain.settled()
    expect(await totals('org-drain')).toEqual({ events: '3', ids: '3', usage_events: '3', usage_cpu: '6' })
    await drain.close() // waits for the releases, which the next batch does not
    expect(log.peek(100)).toBeNull()
    expect(log.pendingBytes()).toBe(0)
    await log.close()
  })

  it('replays the entries of a drain that died between its insert and its release, storing nothing twice', async () => {
    const log = freshLog()
    await log.append(rowsOf('org-replay', ['a', 'b']))
    await log.append(rowsOf('org-replay', ['c', 'd'])) // cpu 1 + 2 + 1 + 2
    // The dead drain's last batch: inserted through slot 0, never released.
    await createDrainSlot(ch.handle, { slot: DIRECT_SLOT, dedupWindowMs: WINDOW_MS }).insert(log.peek(2)!.rows)
    expect(log.pendingRows()).toBe(4)

    const drain = drainOf(log)
    await drain.settled()
    expect(await totals('org-replay')).toEqual({ events: '4', ids: '4', usage_events: '4', usage_cpu: '6' })
    await drain.close()
    expect(log.pendingRows()).toBe(0)
    await log.close()
  })

  it('keeps the events while inserts fail and stores them once when ClickHouse takes them again', async () => {
    const log = freshLog()
    const { logger, failed } = watchedLogger()
    await ch.handle.client.command({ query: 'RENAME TABLE events TO events_away' })
    const drain = drainOf(log, logger)
    try {
      await log.append(rowsOf('org-outage', ['a', 'b']))
      void drain.settled() // hurries the drain into its first (failing) batch
      await failed
      expect(log.pendingRows()).toBe(2)
    } finally {
      await ch.handle.client.command({ query: 'RENAME TABLE events_away TO events' })
    }
    await drain.settled()
    expect(await totals('org-outage')).toEqual({ events: '2', ids: '2', usage_events: '2', usage_cpu: '3' })
    await drain.close()
    await log.close()
  })
})
