// Migration 0005 on a data directory written before it (an embedded user's `.tally`): the old
// events stay deduplicated, the old rollups stay as they were and become slot 0's, and a
// recomputation of slot 0 reproduces them exactly.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateClickHouse } from '../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { touchedBuckets, writeIntent } from './drainIntent.ts'
import { createDrainSlot, DIRECT_SLOT } from './drainSlot.ts'
import { meteringMigrationsDir } from './migrations.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'tally-upgrade-drain-'))
const before0005 = mkdtempSync(join(tmpdir(), 'tally-migrations-0004-'))
let handle: ClickHouseHandle
beforeAll(async () => {
  for (const f of readdirSync(meteringMigrationsDir)) if (f < '0005') cpSync(join(meteringMigrationsDir, f), join(before0005, f))
  handle = await openClickHouse({ dataDir })
})
afterAll(async () => {
  await handle.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(before0005, { recursive: true, force: true })
})

const old = Array.from({ length: 6 }, (_, i) =>
  eventRow({ org_id: 'org-old', event_id: `old-${i}`, timestamp: `2024-0${1 + (i % 2)}-15 10:0${i}:00.000`, data: `{"cpu":"${i + 1}"}` }),
)

async function rollup(table: string): Promise<Array<Record<string, string>>> {
  const rs = await handle.client.query({
    query: `SELECT toString(bucket) AS b, toString(writer_slot) AS slot, toString(countMergeIf(count, field = '')) AS events,
                   toString(sumMergeIf(sum, field = 'cpu')) AS cpu
            FROM ${table} WHERE org_id = 'org-old' GROUP BY b, slot ORDER BY b`,
    format: 'JSONEachRow',
  })
  return rs.json()
}

describe('migration 0005 over data written before it', () => {
  it('keeps old events deduplicated and old rollups exact, as slot 0', async () => {
    await migrateClickHouse(handle, before0005)
    await handle.client.insert({ table: 'events', values: old, format: 'JSONEachRow' })

    await migrateClickHouse(handle, meteringMigrationsDir)
    const expected = [
      { b: '2024-01-15 10:00:00', slot: '0', events: '3', cpu: '9' }, // cpu 1 + 3 + 5
      { b: '2024-02-15 10:00:00', slot: '0', events: '3', cpu: '12' }, // cpu 2 + 4 + 6
    ]
    expect(await rollup('usage_hour')).toEqual(expected)
    expect((await rollup('usage_minute')).length).toBe(6)
    const tables = await (
      await handle.client.query({ query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'event_keys'", format: 'JSONEachRow' })
    ).json()
    expect(tables).toEqual([])

    // The lookup finds the old events; a new one goes through the new views.
    const slot = createDrainSlot(handle, { slot: DIRECT_SLOT, dedupWindowMs: 34 * 86_400_000 })
    const fresh = eventRow({ org_id: 'org-old', event_id: 'new-0', timestamp: '2024-01-15 10:30:00.000', data: '{"cpu":"10"}' })
    expect((await slot.insert([...old, fresh])).insertedAt).toEqual([false, false, false, false, false, false, true])
    expect((await rollup('usage_hour'))[0]).toEqual({ b: '2024-01-15 10:00:00', slot: '0', events: '4', cpu: '19' })

    // Recomputing slot 0 over the old hours reproduces old and new rows alike.
    await writeIntent(handle, { slot: DIRECT_SLOT, version: 1_000, buckets: touchedBuckets(old), queryId: 'upgrade-check' })
    await createDrainSlot(handle, { slot: DIRECT_SLOT, dedupWindowMs: 34 * 86_400_000 }).insert([])
    expect(await rollup('usage_hour')).toEqual([{ b: '2024-01-15 10:00:00', slot: '0', events: '4', cpu: '19' }, expected[1]])
  })
})
