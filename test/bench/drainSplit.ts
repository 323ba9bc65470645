// Where one drain batch goes (issue 19, "Cheaper inserts"): CPU seconds of this process (chDB's
// threads included) and wall ms per part of a drain batch, on one chDB, alternating the parts
// inside each round so the load of the shared machine falls on all of them alike.
//
//   npx tsx test/bench/drainSplit.ts [rows=20000] [rounds=5] [warm batches=10] [customers=200]
//
// With 200 customers (the bench's events, ten minutes of timestamps) a minute bucket holds ~9
// events of a customer; with 100000 almost every event is alone in its minute, the worst case
// for merging hours from minutes.
//
// Parts: the dedup lookup (findStoredKeys, ids not stored yet), the insert into `events` with no
// view attached (a copy with the by_event_id projection, and a copy without it), the rollup
// layer alone (rows inserted straight into a Null feed carrying the views), the whole
// `DrainSlot.insert`. The rollup layer is measured for the layout in the migrations (whatever
// `rollup_feed` feeds) and, on copies of the rollup tables, for the two views reading the feed
// side by side (0005's layout) and for each view alone.
import { createDrainSlot } from '../../metering/drainSlot.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS, findStoredKeys } from '../../metering/storedEvents.ts'
import { insertCommitted } from '../../platform/clickhouse/insertCommitted.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { openBenchClickHouse, timed } from './chdbChild.ts'
import { eventRows } from './events.ts'
import { load1 } from './compare.ts'
import { hourFromMinutesView, perEventRollupView } from './rollupViews.ts'
import { median } from './stats.ts'

const rowsPerBatch = Number(process.argv[2] ?? 20_000)
const rounds = Number(process.argv[3] ?? 5)
const warm = Number(process.argv[4] ?? 10)
const customers = Number(process.argv[5] ?? 200)

async function setUp(handle: ClickHouseHandle): Promise<void> {
  const run = (query: string) => handle.client.command({ query })
  await run('CREATE TABLE events_proj AS events')
  await run('CREATE TABLE events_plain AS events')
  await run('ALTER TABLE events_plain DROP PROJECTION by_event_id')
  for (const layout of ['two', 'minute', 'hour', 'cascade']) {
    await run(`CREATE TABLE feed_${layout} AS rollup_feed`)
    await run(`CREATE TABLE um_${layout} AS usage_minute`)
    await run(`CREATE TABLE uh_${layout} AS usage_hour`)
  }
  await run(perEventRollupView('two_m', 'feed_two', 'um_two', 'toStartOfMinute'))
  await run(perEventRollupView('two_h', 'feed_two', 'uh_two', 'toStartOfHour'))
  await run(perEventRollupView('minute_m', 'feed_minute', 'um_minute', 'toStartOfMinute'))
  await run(perEventRollupView('hour_h', 'feed_hour', 'uh_hour', 'toStartOfHour'))
  // The hour rollup merged from the minute rollup's blocks (one JSON extraction per event).
  await run(perEventRollupView('cascade_m', 'feed_cascade', 'um_cascade', 'toStartOfMinute'))
  await run(hourFromMinutesView('cascade_h', 'um_cascade', 'uh_cascade'))
}

async function main(): Promise<void> {
  const ch = await openBenchClickHouse('tally-drain-split-')
  const { handle } = ch
  try {
    await setUp(handle)
    const windowMs = DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000
    const drain = createDrainSlot(handle, { slot: 1, dedupWindowMs: windowMs })
    const batch = (k: number) => eventRows({ count: rowsPerBatch, orgId: BENCH_ORG, rawMetric: BENCH_METRIC, customers, seed: 1000 + k, idPrefix: `s${k}` })
    for (let k = 0; k < warm; k++) await drain.insert(batch(k))
    const feedRows = (rows: ReturnType<typeof batch>) =>
      rows.map((r) => ({ org_id: r.org_id, raw_metric: r.raw_metric, customer_id: r.customer_id, timestamp: r.timestamp, data: r.data, writer_slot: 1 }))
    const parts: Record<string, (rows: ReturnType<typeof batch>) => Promise<unknown>> = {
      lookup: (rows) => findStoredKeys(handle, rows, windowMs),
      'insert events_plain (no projection, no views)': (rows) =>
        insertCommitted(handle, { table: 'events_plain', rows: rows.map((r) => ({ ...r, writer_slot: 1 })) }),
      'insert events_proj (projection, no views)': (rows) =>
        insertCommitted(handle, { table: 'events_proj', rows: rows.map((r) => ({ ...r, writer_slot: 1 })) }),
      'rollups as migrated (rollup_feed)': (rows) => insertCommitted(handle, { table: 'rollup_feed', rows: feedRows(rows) }),
      'rollups: two per-event views (0005)': (rows) => insertCommitted(handle, { table: 'feed_two', rows: feedRows(rows) }),
      'rollups: hour merged from the minute view (cascade)': (rows) => insertCommitted(handle, { table: 'feed_cascade', rows: feedRows(rows) }),
      'rollups: minute view alone': (rows) => insertCommitted(handle, { table: 'feed_minute', rows: feedRows(rows) }),
      'rollups: hour view alone': (rows) => insertCommitted(handle, { table: 'feed_hour', rows: feedRows(rows) }),
      'whole DrainSlot.insert': (rows) => drain.insert(rows),
    }
    const names = Object.keys(parts)
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const loads: number[] = [load1()]
    for (let round = 0; round < rounds; round++) {
      const rows = batch(warm + round)
      // Rotate the order each round; the drain runs last (it stores the ids the lookup asks for).
      const order = names.slice(0, -1)
      for (let i = 0; i < round; i++) order.push(order.shift()!)
      for (const name of [...order, names.at(-1)!]) {
        await timed(() => parts[name]!(rows), cpu[name]!, wall[name]!)
      }
      loads.push(load1())
    }
    console.log(
      `${rowsPerBatch} rows a batch over ${customers} customers, ${rounds} rounds after ${warm} stored batches; load ${loads.map((l) => l.toFixed(1)).join(' → ')}`,
    )
    console.log('| part | CPU ms (median) | CPU µs/row | wall ms (median, min–max) |')
    console.log('| --- | --- | --- | --- |')
    for (const n of names) {
      const c = median(cpu[n]!) * 1000
      const w = wall[n]!
      console.log(
        `| ${n} | ${c.toFixed(0)} | ${((c * 1000) / rowsPerBatch).toFixed(1)} | ${median(w).toFixed(0)} (${Math.min(...w).toFixed(0)}–${Math.max(...w).toFixed(0)}) |`,
      )
    }
  } finally {
    await ch.destroy()
  }
}

await main()
