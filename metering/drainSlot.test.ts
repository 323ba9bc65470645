// What a cut-short insert can leave behind, built on purpose in the real engine, and the
// next batch of the slot (a restarted writer) repairing it: every part of an insert into
// `events` commits on its own, so any of them can be there without the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertCommitted } from '../platform/clickhouse/insertCommitted.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { latestIntent, touchedBuckets, writeIntent } from './drainIntent.ts'
import { disagreeingBuckets } from './disagreeingBuckets.ts'
import { createDrainSlot } from './drainSlot.ts'
import type { EventRow } from './eventRow.ts'

let ch: TestClickHouse
beforeAll(async () => {
  ch = await openTestClickHouse()
})
afterAll(async () => {
  await ch.destroy()
})

const DAY_MS = 86_400_000
const WINDOW_MS = 34 * DAY_MS

/** Four events over a month boundary: 1 + 2 in January, 3 + 4 in February (sum 10). */
function batch(org: string): EventRow[] {
  return [
    eventRow({ org_id: org, event_id: 'a', timestamp: '2024-01-31 23:10:00.000', data: '{"cpu":"1"}' }),
    eventRow({ org_id: org, event_id: 'b', timestamp: '2024-01-31 23:50:00.000', data: '{"cpu":"2"}' }),
    eventRow({ org_id: org, event_id: 'c', timestamp: '2024-02-01 00:10:00.000', data: '{"cpu":"3"}' }),
    eventRow({ org_id: org, event_id: 'd', timestamp: '2024-02-01 00:20:00.000', data: '{"cpu":"4"}' }),
  ]
}
const january = (rows: EventRow[]) => rows.filter((r) => r.timestamp.startsWith('2024-01'))
const february = (rows: EventRow[]) => rows.filter((r) => r.timestamp.startsWith('2024-02'))

/** Events, distinct ids, and the events and cpu sum each rollup counts, for one org. */
async function totals(org: string) {
  const rs = await ch.handle.client.query({
    query: `SELECT
      toString((SELECT count() FROM events WHERE org_id = {org:String})) AS events,
      toString((SELECT uniqExact(event_id) FROM events WHERE org_id = {org:String})) AS ids,
      toString((SELECT countMerge(count) FROM usage_minute WHERE org_id = {org:String} AND field = '')) AS minute_events,
      toString((SELECT sumMerge(sum) FROM usage_minute WHERE org_id = {org:String} AND field = 'cpu')) AS minute_sum,
      toString((SELECT countMerge(count) FROM usage_hour WHERE org_id = {org:String} AND field = '')) AS hour_events,
      toString((SELECT sumMerge(sum) FROM usage_hour WHERE org_id = {org:String} AND field = 'cpu')) AS hour_sum`,
    query_params: { org },
    format: 'JSONEachRow',
  })
  return (await rs.json<Record<string, string>>())[0]
}
const EXACT = { events: '4', ids: '4', minute_events: '4', minute_sum: '10', hour_events: '4', hour_sum: '10' }

/** The intent a writer of `slot` records before inserting `rows`, as the crashed one did. */
async function announce(slot: number, rows: EventRow[]): Promise<void> {
  const version = ((await latestIntent(ch.handle, slot))?.version ?? 0) + 1
  await writeIntent(ch.handle, { slot, version, buckets: touchedBuckets(rows), queryId: `crashed-${slot}-${version}` })
}

const asSlot = (slot: number, rows: EventRow[]) => rows.map((r) => ({ ...r, writer_slot: slot }))

describe('drain slot after a cut-short insert', () => {
  it('repairs rollups that committed without their events (the retry would double them)', async () => {
    const rows = batch('org-ahead')
    await announce(3, rows)
    // January's events part and every rollup part committed; February's events part did not.
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(3, january(rows)) })
    await insertCommitted(ch.handle, { table: 'rollup_feed', rows: asSlot(3, february(rows)) })
    expect(await totals('org-ahead')).toMatchObject({ events: '2', hour_events: '4' })

    const restarted = createDrainSlot(ch.handle, { slot: 3, dedupWindowMs: WINDOW_MS })
    expect((await restarted.insert(rows)).insertedAt).toEqual([false, false, true, true])
    expect(await totals('org-ahead')).toEqual(EXACT)
  })

  it('repairs rollups whose parts did not commit though the events did (the retry finds the ids and would skip them)', async () => {
    const rows = batch('org-behind')
    await announce(4, rows)
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(4, rows) })
    await ch.handle.client.command({ query: "DELETE FROM usage_minute WHERE org_id = 'org-behind' AND toYYYYMM(bucket) = 202402" })
    await ch.handle.client.command({ query: "DELETE FROM usage_hour WHERE org_id = 'org-behind' AND toYYYYMM(bucket) = 202402" })
    expect(await totals('org-behind')).toMatchObject({ events: '4', hour_events: '2' })

    const restarted = createDrainSlot(ch.handle, { slot: 4, dedupWindowMs: WINDOW_MS })
    expect((await restarted.insert(rows)).inserted).toBe(0)
    expect(await totals('org-behind')).toEqual(EXACT)
  })

  it('recovers again after a recovery that was itself cut short, with no batch to carry it', async () => {
    const rows = batch('org-twice-cut')
    await announce(5, rows)
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(5, rows) })
    // The recovery deleted the slot's rollup rows and died before re-inserting them.
    await ch.handle.client.command({ query: "DELETE FROM usage_minute WHERE org_id = 'org-twice-cut'" })
    await ch.handle.client.command({ query: "DELETE FROM usage_hour WHERE org_id = 'org-twice-cut'" })
    await createDrainSlot(ch.handle, { slot: 5, dedupWindowMs: WINDOW_MS }).insert([])
    expect(await totals('org-twice-cut')).toEqual(EXACT)
  })

  it("recomputes only its own slot's rows of a bucket another writer shares", async () => {
    const rows = batch('org-shared')
    const mine = [rows[0]!, rows[2]!]
    const theirs = [rows[1]!, rows[3]!]
    await createDrainSlot(ch.handle, { slot: 7, dedupWindowMs: WINDOW_MS }).insert(theirs)
    await announce(6, mine)
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(6, mine) })
    await insertCommitted(ch.handle, { table: 'rollup_feed', rows: asSlot(6, mine) }) // a view part twice
    await createDrainSlot(ch.handle, { slot: 6, dedupWindowMs: WINDOW_MS }).insert([])
    expect(await totals('org-shared')).toEqual(EXACT)
  })
})

/** Mutations (a recovery's DELETEs) ever run on the two rollups of this database. */
async function rollupMutations(): Promise<number> {
  const rs = await ch.handle.client.query({
    query: `SELECT toString(count()) AS n FROM system.mutations
            WHERE database = currentDatabase() AND table IN ('usage_minute', 'usage_hour')`,
    format: 'JSONEachRow',
  })
  return Number((await rs.json<{ n: string }>())[0]!.n)
}

describe('drain slot recovering a slot whose newest insert completed (a clean restart, a rebalance)', () => {
  it('reads, and deletes or rewrites no rollup row, so no reader ever sees a bucket emptied', async () => {
    const rows = batch('org-clean')
    await createDrainSlot(ch.handle, { slot: 10, dedupWindowMs: WINDOW_MS }).insert(rows)
    const before = await rollupMutations()
    // A new process: the slot's state is unknown, so its first batch recovers the newest intent.
    const restarted = createDrainSlot(ch.handle, { slot: 10, dedupWindowMs: WINDOW_MS })
    expect((await restarted.insert(rows)).inserted).toBe(0)
    expect(await rollupMutations()).toBe(before)
    expect(await totals('org-clean')).toEqual(EXACT)
  })

  it('finds exactly the buckets a cut-short insert left wrong, in either direction', async () => {
    const rows = batch('org-which')
    await announce(11, rows)
    // January 23:00: events and rollups agree. February 00:00: events committed, the rollups not.
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(11, january(rows)) })
    const buckets = touchedBuckets(rows)
    expect(await disagreeingBuckets(ch.handle, 11, buckets)).toEqual([])
    await insertCommitted(ch.handle, { table: 'rollup_feed', rows: asSlot(11, february(rows)) })
    expect(await disagreeingBuckets(ch.handle, 11, buckets)).toEqual([{ org_id: 'org-which', raw_metric: rows[2]!.raw_metric, hour: '2024-02-01 00:00:00' }])
    await createDrainSlot(ch.handle, { slot: 11, dedupWindowMs: WINDOW_MS }).insert([])
    expect(await disagreeingBuckets(ch.handle, 11, buckets)).toEqual([])
    // The other direction: February's events committed, its hour rollup part did not.
    await insertCommitted(ch.handle, { table: 'events', rows: asSlot(11, february(rows)) })
    await ch.handle.client.command({ query: "DELETE FROM usage_hour WHERE org_id = 'org-which' AND toYYYYMM(bucket) = 202402" })
    expect((await disagreeingBuckets(ch.handle, 11, buckets)).map((b) => b.hour)).toEqual(['2024-02-01 00:00:00'])
  })
})

describe('drain slot when a view fails after events committed (the trigger on a server)', () => {
  it('fails the batch, and its retry in the same writer recovers the rollups and stores nothing twice', async () => {
    const rows = batch('org-view-fails')
    // A view target that refuses the rows, as a full disk or a broken view does on a server:
    // the insert throws after some parts committed.
    await ch.handle.client.command({
      query: `CREATE MATERIALIZED VIEW failing_view_mv ENGINE = Null AS
        SELECT throwIf(org_id = 'org-view-fails', 'view target refused the block') AS refused FROM rollup_feed`,
    })
    const slot = createDrainSlot(ch.handle, { slot: 9, dedupWindowMs: WINDOW_MS })
    try {
      await expect(slot.insert(rows)).rejects.toThrow(/view target refused the block/)
    } finally {
      await ch.handle.client.command({ query: 'DROP VIEW failing_view_mv' })
    }
    // chDB leaves what a server leaves: the `events` parts committed; which rollup parts did
    // depends on the order the views ran in (any subset, metering/README.md "Crash instants").
    expect(await totals('org-view-fails')).toMatchObject({ events: '4', ids: '4' })

    // The retry finds every id in `events` (nothing inserted twice) and rebuilds the rollups.
    expect((await slot.insert(rows)).inserted).toBe(0)
    expect(await totals('org-view-fails')).toEqual(EXACT)
    expect((await slot.insert(rows)).inserted).toBe(0)
    expect(await totals('org-view-fails')).toEqual(EXACT)
  })
})

describe('dedup window', () => {
  it('finds a copy whose timestamp is within the window of the stored one, and only then', async () => {
    const slot = createDrainSlot(ch.handle, { slot: 8, dedupWindowMs: WINDOW_MS })
    const at = (days: number) => new Date(Date.UTC(2024, 0, 1) + days * DAY_MS).toISOString().replace('T', ' ').replace('Z', '')
    const stored = eventRow({ org_id: 'org-window', event_id: 'w', timestamp: at(0) })
    expect((await slot.insert([stored])).inserted).toBe(1)
    expect((await slot.insert([{ ...stored, timestamp: at(34) }])).inserted).toBe(0)
    expect((await slot.insert([{ ...stored, timestamp: at(-34) }])).inserted).toBe(0)
    // 35 days away: outside the window, so it is a new event (the documented limit).
    expect((await slot.insert([{ ...stored, timestamp: at(35) }])).inserted).toBe(1)
  })
})

describe('drain slot insert (JSONCompactEachRow)', () => {
  // JSON texts as the gateway normalises them: decimals as strings, escapes kept as written.
  const rows: EventRow[] = [
    eventRow({
      org_id: 'org-compact',
      event_id: 'e-unicode-é東京🚀',
      customer_id: 'cust-ü',
      data: '{"qty":"12345678901234567890.123456789","note":"héllo 東京 🚀","path":"C:\\\\tmp","quote":"say \\"hi\\""}',
    }),
    eventRow({ org_id: 'org-compact', event_id: 'e-escapes\\t\\N', data: '{"qty":"0.000000001","tab":"a\\tb","u":"\\u0000\\u00e9"}' }),
    // Control characters never pass the gateway, but a row that held them is still stored as it was.
    eventRow({ org_id: 'org-compact', event_id: 'e-raw\tcontrol\nchars\r\0', customer_id: 'tab\there', data: '{"qty":"-1.5"}', source: 'csv' }),
  ]

  it('stores every column byte for byte, and the rollups sum the decimals exactly', async () => {
    const slot = createDrainSlot(ch.handle, { slot: 12, dedupWindowMs: WINDOW_MS })
    expect((await slot.insert(rows)).inserted).toBe(3)
    const rs = await ch.handle.client.query({
      query: `SELECT org_id, toString(raw_metric) AS raw_metric, customer_id, event_id, toString(timestamp) AS timestamp, data,
                     toString(ingested_at) AS ingested_at, toString(source) AS source, writer_slot
              FROM events WHERE org_id = 'org-compact' ORDER BY event_id`,
      format: 'JSONEachRow',
    })
    const byId = (a: EventRow, b: EventRow) => (a.event_id < b.event_id ? -1 : 1)
    expect(await rs.json()).toEqual([...rows].sort(byId).map((r) => ({ ...r, writer_slot: 12 })))
    const sums = await ch.handle.client.query({
      query: `SELECT toString(sumMerge(sum)) AS minute, toString((SELECT sumMerge(sum) FROM usage_hour WHERE org_id = 'org-compact' AND field = 'qty')) AS hour
              FROM usage_minute WHERE org_id = 'org-compact' AND field = 'qty'`,
      format: 'JSONEachRow',
    })
    // 12345678901234567890.123456789 + 0.000000001 − 1.5
    expect(await sums.json()).toEqual([{ minute: '12345678901234567888.62345679', hour: '12345678901234567888.62345679' }])
    // A replay of the same rows is found stored: nothing counts twice.
    expect((await slot.insert(rows)).insertedAt).toEqual([false, false, false])
  })
})
