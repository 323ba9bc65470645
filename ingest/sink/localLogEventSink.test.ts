// The event log sink against a real log (LMDB) and drain (chDB): the gateway's answer comes from
// the log's id index; a counted write (source syncs) answers each row as the drain stored it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDrainSlot, DIRECT_SLOT } from '../../metering/drainSlot.ts'
import { openLocalEventLog } from '../../metering/localLog/localEventLog.ts'
import { startLocalLogDrain } from '../../metering/localLog/localLogDrain.ts'
import { openTestClickHouse, type TestClickHouse } from '../../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { localLogEventSink } from './localLogEventSink.ts'

const WINDOW_MS = 34 * 86_400_000
let ch: TestClickHouse
const dirs: string[] = []
beforeAll(async () => {
  ch = await openTestClickHouse()
})
afterAll(async () => {
  await ch.destroy()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function openSink(countWaitMs = 30_000) {
  const dir = mkdtempSync(join(tmpdir(), 'tally-log-sink-'))
  dirs.push(dir)
  const log = openLocalEventLog({ path: dir, maxBytes: 1 << 24, recent: { dedupWindowMs: WINDOW_MS } })
  const drain = startLocalLogDrain({ log, handle: ch.handle, logger: pino({ level: 'silent' }), dedupWindowMs: WINDOW_MS, flushRows: 1_000, flushMs: 60_000 })
  return {
    sink: localLogEventSink(log, drain, { countWaitMs }),
    /** Drains what the log holds, then stops. */
    async close() {
      await drain.settled()
      await drain.close()
      await log.close()
    },
  }
}
const rowsOf = (org: string, ids: string[]) => ids.map((id) => eventRow({ org_id: org, event_id: id }))
const sorted = (ids: ReadonlySet<string>) => [...ids].sort()

describe('event log sink', () => {
  it('answers a resend of an id the log saw as duplicate; an id only ClickHouse holds is accepted (deferred) and stored once', async () => {
    // "old" was stored long ago: in `events`, never in this log's index.
    await createDrainSlot(ch.handle, { slot: DIRECT_SLOT, dedupWindowMs: WINDOW_MS }).insert(rowsOf('org-gw', ['old']))
    const { sink, close } = openSink()
    expect(sink.dedup).toBe('deferred')
    expect(sorted((await sink.write(rowsOf('org-gw', ['a', 'b']))).duplicates)).toEqual([])
    expect(sorted((await sink.write(rowsOf('org-gw', ['a', 'old', 'c']))).duplicates)).toEqual(['a'])
    await close()
    const rs = await ch.handle.client.query({
      query: `SELECT event_id, toString(count()) AS n FROM events WHERE org_id = 'org-gw' GROUP BY event_id ORDER BY event_id`,
      format: 'JSONEachRow',
    })
    expect(await rs.json()).toEqual(['a', 'b', 'c', 'old'].map((event_id) => ({ event_id, n: '1' })))
  })

  it('answers a counted write row by row as the drain stored it: stored before (in `events` or in the log) is duplicate, the rest accepted', async () => {
    await createDrainSlot(ch.handle, { slot: DIRECT_SLOT, dedupWindowMs: WINDOW_MS }).insert(rowsOf('org-sync', ['s1', 's2']))
    const { sink, close } = openSink()
    // A drain waiting a minute between inserts: the counted write hurries it.
    const first = await sink.writeCounted!(rowsOf('org-sync', ['s1', 'n1', 's2', 'n2', 'n1']))
    expect(sorted(first.duplicates)).toEqual(['n1', 's1', 's2'])
    // A re-read of the same rows (a sync's lateness window): every one duplicate.
    expect(sorted((await sink.writeCounted!(rowsOf('org-sync', ['s1', 'n1', 'n2']))).duplicates)).toEqual(['n1', 'n2', 's1'])
    await close()
  })

  it('refuses a counted write with 503 event_log_behind when the drain cannot store it in time, and stores it once later', async () => {
    const { sink, close } = openSink(300)
    await ch.handle.client.command({ query: 'RENAME TABLE events TO events_away' })
    let refused: unknown
    try {
      refused = await sink.writeCounted!(rowsOf('org-behind', ['x'])).catch((err: unknown) => err)
    } finally {
      await ch.handle.client.command({ query: 'RENAME TABLE events_away TO events' })
    }
    expect(refused).toMatchObject({ code: 'event_log_behind', retryAfterSeconds: 5 })
    // The row is in the log: the sync's next run re-reads it and is told it is a duplicate.
    expect(sorted((await sink.writeCounted!(rowsOf('org-behind', ['x']))).duplicates)).toEqual(['x'])
    await close()
    const rs = await ch.handle.client.query({ query: `SELECT toString(count()) AS n FROM events WHERE org_id = 'org-behind'`, format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ n: '1' }])
  })
})
