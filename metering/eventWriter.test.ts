import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { openClickHouse } from '../platform/clickhouse/openClickHouse.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import type { EventRow } from './eventRow.ts'
import { createEventWriter } from './eventWriter.ts'

let ch: TestClickHouse
let handle: ClickHouseHandle

beforeAll(async () => {
  ch = await openTestClickHouse()
  handle = ch.handle
})
afterAll(async () => {
  await ch.destroy()
})

interface Totals {
  events: number
  /** Distinct event ids in `events`: equal to `events` when nothing is stored twice. */
  ids: number
  minute_events: number
  hour_events: number
  hour_sum: string
}

/** Row counts of one org in the raw table and both rollups. */
async function totals(orgId: string): Promise<Totals> {
  const rs = await handle.client.query({
    query: `SELECT
      (SELECT count() FROM events WHERE org_id = {org:String}) AS events,
      (SELECT uniqExact(event_id) FROM events WHERE org_id = {org:String}) AS ids,
      (SELECT countMerge(count) FROM usage_minute WHERE org_id = {org:String} AND field = '') AS minute_events,
      (SELECT countMerge(count) FROM usage_hour WHERE org_id = {org:String} AND field = '') AS hour_events,
      (SELECT toString(sumMerge(sum)) FROM usage_hour WHERE org_id = {org:String} AND field = 'cpu') AS hour_sum`,
    query_params: { org: orgId },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<Record<string, string | number>>()
  return {
    events: Number(row?.events),
    ids: Number(row?.ids),
    minute_events: Number(row?.minute_events),
    hour_events: Number(row?.hour_events),
    hour_sum: String(row?.hour_sum),
  }
}

function rows(orgId: string, n: number, prefix = 'e'): EventRow[] {
  return Array.from({ length: n }, (_, i) =>
    eventRow({ org_id: orgId, event_id: `${prefix}${i}`, data: `{"cpu":"${i}.5"}`, timestamp: `2024-03-05 10:${String(i % 60).padStart(2, '0')}:00.000` }),
  )
}

describe('event writer', () => {
  it('inserts, then counts the same batch sent again as duplicates, leaving every total unchanged', async () => {
    const writer = createEventWriter(handle)
    const batch = rows('org-twice', 10)
    expect(await writer.write(batch)).toEqual({ inserted: 10, duplicates: 0, duplicateIds: new Set() })
    // sum of i + 0.5 for i = 0..9 = 45 + 5 = 50
    const expected = { events: 10, ids: 10, minute_events: 10, hour_events: 10, hour_sum: '50' }
    expect(await totals('org-twice')).toEqual(expected)

    const again = await writer.write(batch)
    expect(again.inserted).toBe(0)
    expect(again.duplicates).toBe(10)
    expect(again.duplicateIds).toEqual(new Set(batch.map((r) => r.event_id)))
    expect(await totals('org-twice')).toEqual(expected)
    await writer.close()
  })

  it('keeps the first of an event repeated within one write', async () => {
    const writer = createEventWriter(handle)
    const first = eventRow({ org_id: 'org-repeat', event_id: 'x', data: '{"cpu":"2"}' })
    const second = eventRow({ org_id: 'org-repeat', event_id: 'x', data: '{"cpu":"100"}' })
    const result = await writer.write([first, second])
    expect(result).toEqual({ inserted: 1, duplicates: 1, duplicateIds: new Set(['x']) })
    expect(await totals('org-repeat')).toEqual({ events: 1, ids: 1, minute_events: 1, hour_events: 1, hour_sum: '2' })
    await writer.close()
  })

  it('treats the same event id in two organisations as two events', async () => {
    const writer = createEventWriter(handle)
    const result = await writer.write([eventRow({ org_id: 'org-p', event_id: 'same' }), eventRow({ org_id: 'org-q', event_id: 'same' })])
    expect(result.inserted).toBe(2)
    expect((await totals('org-p')).events).toBe(1)
    expect((await totals('org-q')).events).toBe(1)
    await writer.close()
  })

  it('inserts concurrent writes of the same ids once, coalescing them into few inserts', async () => {
    let inserts = 0
    const counting: ClickHouseHandle = {
      ...handle,
      client: new Proxy(handle.client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown
          if (prop !== 'insert') return value
          return (params: { table: string }) => {
            if (params.table === 'events') inserts++
            return (value as (p: unknown) => unknown).call(target, params)
          }
        },
      }),
    }
    const writer = createEventWriter(counting, { maxWaitMs: 5 })
    const batch = rows('org-concurrent', 50)
    const results = await Promise.all(Array.from({ length: 20 }, () => writer.write(batch)))
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(50)
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(19 * 50)
    expect((await totals('org-concurrent')).events).toBe(50)
    // 20 concurrent writes share at most a couple of inserts into `events` (the first flush
    // takes all of them once the 5 ms linger ends; later flushes find every id and insert nothing).
    expect(inserts).toBeLessThanOrEqual(2)
    await writer.close()
  })

  it('rejects every waiting write when the insert fails, and stores nothing', async () => {
    const writer = createEventWriter(handle, { maxWaitMs: 5 })
    await handle.client.command({ query: 'RENAME TABLE events TO events_away' })
    try {
      const a = writer.write([eventRow({ org_id: 'org-fail', event_id: 'f1' })])
      const b = writer.write([eventRow({ org_id: 'org-fail', event_id: 'f2' })])
      await expect(a).rejects.toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' })
      await expect(b).rejects.toMatchObject({ code: '60' })
    } finally {
      await handle.client.command({ query: 'RENAME TABLE events_away TO events' })
    }
    expect((await totals('org-fail')).events).toBe(0)
    // The writer keeps working once the store is back, and the failed events can be retried.
    expect((await writer.write([eventRow({ org_id: 'org-fail', event_id: 'f1' })])).inserted).toBe(1)
    await writer.close()
  })

  it('rejects a malformed row in its own write only', async () => {
    const writer = createEventWriter(handle)
    const bad = writer.write([eventRow({ org_id: 'org-bad', event_id: 'b1', timestamp: '2024-03-05T10:00:00Z' })])
    const good = writer.write([eventRow({ org_id: 'org-bad', event_id: 'g1' })])
    await expect(bad).rejects.toMatchObject({ code: 'invalid_event_row', details: [{ index: 0 }] })
    expect((await good).inserted).toBe(1)
    await writer.close()
  })

  it('writes 10,000 events in one write', async () => {
    const writer = createEventWriter(handle)
    const batch = rows('org-10k', 10_000)
    expect((await writer.write(batch)).inserted).toBe(10_000)
    // sum over i = 0..9999 of (i + 0.5) = 49,995,000 + 5,000
    expect(await totals('org-10k')).toEqual({ events: 10_000, ids: 10_000, minute_events: 10_000, hour_events: 10_000, hour_sum: '50000000' })
    expect((await writer.write(batch)).duplicates).toBe(10_000)
    await writer.close()
  })

  it('serves reads on the same handle while writes are in flight', async () => {
    const writer = createEventWriter(handle)
    const writes = Array.from({ length: 10 }, (_, k) => writer.write(rows('org-mixed', 200, `m${k}-`)))
    const reads = Array.from({ length: 10 }, () => totals('org-mixed'))
    await Promise.all([...writes, ...reads])
    expect((await totals('org-mixed')).events).toBe(2000)
    await writer.close()
  })

  it('flushes queued writes on close, then refuses new ones', async () => {
    const writer = createEventWriter(handle, { maxWaitMs: 50 })
    const pending = writer.write([eventRow({ org_id: 'org-close', event_id: 'c1' })])
    await writer.close()
    expect((await pending).inserted).toBe(1)
    await expect(writer.write([eventRow({ org_id: 'org-close', event_id: 'c2' })])).rejects.toThrow(/closed/)
  })

  it('keeps committed events across a close and reopen of the data directory', async () => {
    const writer = createEventWriter(handle)
    await writer.write(rows('org-restart', 5))
    await writer.close()
    await handle.close()
    handle = await openClickHouse({ dataDir: ch.dataDir })
    ch.handle = handle
    expect(await totals('org-restart')).toEqual({ events: 5, ids: 5, minute_events: 5, hour_events: 5, hour_sum: '12.5' })
    // The dedup lookup finds them after the reopen too.
    const again = createEventWriter(handle)
    expect((await again.write(rows('org-restart', 5))).duplicates).toBe(5)
    await again.close()
  })
})
