// Migration 0006 on a data directory written before it: the hour rollup, merged from the minute
// rollup's blocks from now on, answers every usage query with the same totals as before the
// upgrade, and events drained while the migration runs are counted once in both rollups.
import { Decimal } from 'decimal.js'
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateClickHouse } from '../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { createDrainSlot, DIRECT_SLOT } from './drainSlot.ts'
import type { EventRow } from './eventRow.ts'
import { meteringMigrationsDir } from './migrations.ts'
import { queryUsage, type Granularity } from './usageQuery.ts'
import { usageTotals } from './usageTotals.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'tally-upgrade-0006-'))
const before0006 = mkdtempSync(join(tmpdir(), 'tally-migrations-0005-'))
let handle: ClickHouseHandle
beforeAll(() => {
  for (const f of readdirSync(meteringMigrationsDir)) if (f < '0006') cpSync(join(meteringMigrationsDir, f), join(before0006, f))
})
afterAll(async () => {
  await handle.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(before0006, { recursive: true, force: true })
})

const CUSTOMERS = ['c1', 'c2', 'c3']
const DAY = '2024-03-05'

/** Events of one org over three hours of a day: a decimal field, an integer, a non-numeric one. */
function events(orgId: string, prefix: string, count: number): EventRow[] {
  return Array.from({ length: count }, (_, i) => {
    const hour = String(9 + (i % 3)).padStart(2, '0')
    const minute = String((i * 7) % 60).padStart(2, '0')
    const qty = `${(i * 37) % 101}.${String((i * 13) % 1000).padStart(3, '0')}`
    return eventRow({
      org_id: orgId,
      event_id: `${prefix}-${i}`,
      customer_id: CUSTOMERS[i % CUSTOMERS.length]!,
      timestamp: `${DAY} ${hour}:${minute}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`,
      data: JSON.stringify({ qty, n: (i % 5) - 2, region: i % 2 === 0 ? 'eu' : 'us' }),
    })
  })
}

/** Per customer: events, and qty's count and sum, recounted in decimal.js from the rows. */
function recount(rows: EventRow[]): Record<string, { events: string; qty: string }> {
  const out: Record<string, { n: number; qty: Decimal }> = {}
  for (const r of rows) {
    const c = (out[r.customer_id] ??= { n: 0, qty: new Decimal(0) })
    c.n++
    c.qty = c.qty.plus((JSON.parse(r.data) as { qty: string }).qty)
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { events: String(v.n), qty: v.qty.toString() }]))
}

/** Everything a reader can ask of one org: usage at each granularity and the totals of a whole-minute range. */
async function answers(orgId: string) {
  const range = { from: new Date(`${DAY}T09:20:00Z`), to: new Date(`${DAY}T11:40:00Z`) }
  const out: Record<string, unknown> = {}
  for (const granularity of ['minute', 'hour', 'day'] as Granularity[]) {
    out[granularity] = await queryUsage(handle, {
      orgId,
      rawMetric: 'cpu_usage',
      from: new Date(`${DAY}T00:00:00Z`),
      to: new Date(`${DAY}T23:59:00Z`),
      granularity,
    })
  }
  for (const field of [null, 'qty', 'n']) {
    out[`totals ${field}`] = Object.fromEntries(await usageTotals(handle, { orgId, rawMetric: 'cpu_usage', field, customerIds: CUSTOMERS, ...range }))
  }
  return out
}

/** Per customer over the whole day: from the hour rollup (day buckets) and from the minute rollup (its buckets added up). */
async function dayTotals(orgId: string) {
  const day = { orgId, rawMetric: 'cpu_usage', from: new Date(`${DAY}T00:00:00Z`), to: new Date(`${DAY}T23:59:00Z`) }
  const fromHours = await queryUsage(handle, { ...day, granularity: 'day' })
  const fromMinutes: Record<string, { n: number; qty: Decimal }> = {}
  for (const b of (await queryUsage(handle, { ...day, granularity: 'minute' })).buckets) {
    const c = (fromMinutes[b.customer_id] ??= { n: 0, qty: new Decimal(0) })
    c.n += Number(b.events)
    c.qty = c.qty.plus(b.fields.qty!.sum)
  }
  return {
    hours: Object.fromEntries(fromHours.buckets.map((b) => [b.customer_id, { events: b.events, qty: b.fields.qty!.sum }])),
    minutes: Object.fromEntries(Object.entries(fromMinutes).map(([k, v]) => [k, { events: String(v.n), qty: v.qty.toString() }])),
  }
}

async function hourViewSource(): Promise<string[]> {
  const rs = await handle.client.query({
    query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND has(dependencies_table, 'usage_hour_mv')`,
    format: 'JSONEachRow',
  })
  return (await rs.json<{ name: string }>()).map((r) => r.name)
}

describe('migration 0006 (hour rollup merged from minutes) over data written before it', () => {
  const old = events('org-old', 'old', 600)
  const live = events('org-live', 'live', 900)

  it('answers every usage query as before, and counts events drained during the migration once', async () => {
    handle = await openClickHouse({ dataDir })
    await migrateClickHouse(handle, before0006)
    expect(await hourViewSource()).toEqual(['rollup_feed'])
    const slot = createDrainSlot(handle, { slot: DIRECT_SLOT, dedupWindowMs: 34 * 86_400_000 })
    for (let i = 0; i < old.length; i += 100) await slot.insert(old.slice(i, i + 100))
    const before = await answers('org-old')
    expect((before.day as { buckets: unknown[] }).buckets).toHaveLength(CUSTOMERS.length)
    await handle.close()

    // The upgraded binary opens the same data directory; a drain keeps inserting while it migrates.
    handle = await openClickHouse({ dataDir })
    const drain = createDrainSlot(handle, { slot: DIRECT_SLOT, dedupWindowMs: 34 * 86_400_000 })
    const draining = (async () => {
      for (let i = 0; i < live.length; i += 50) await drain.insert(live.slice(i, i + 50))
    })()
    const migrated = migrateClickHouse(handle, meteringMigrationsDir)
    // 0006 is applied here; later migrations (0007 on) may follow it in the same call.
    expect((await migrated).applied.map((m) => m.version).filter((v) => v <= 6)).toEqual([6])
    await draining
    expect(await hourViewSource()).toEqual(['usage_minute'])

    expect(await answers('org-old')).toEqual(before)
    const expected = recount(live)
    const live0 = await dayTotals('org-live')
    expect(live0.hours).toEqual(expected)
    expect(live0.minutes).toEqual(expected)

    // After the upgrade the old org's new events go through the new views and add up.
    const more = events('org-old', 'more', 300)
    await drain.insert(more)
    const after = await dayTotals('org-old')
    expect(after.hours).toEqual(recount([...old, ...more]))
    expect(after.minutes).toEqual(recount([...old, ...more]))
  })
})
