// What each rollup layout costs per event, server-side only (issue 19, metering/README.md "Rollup
// layout"): 100,000 bench events are stored once in a copy of `events`, then pushed again and
// again with `INSERT INTO <Null feed> SELECT … FROM` that copy in 10,000-row blocks (a drain
// batch's size), each feed carrying one layout's views into its own copies of the rollup tables.
// CPU of this process per layout, the layouts alternating inside each round. No JSON over the
// client, no lookup: only what the views cost.
//
//   npx tsx test/bench/rollupLayouts.ts [customers=200] [rounds=7]
//
// Layouts: none (the feed alone), two (0005: two views, each extracting every event's fields),
// cascade (0006: the minute view, the hour view merging its block), minute (the minute view alone:
// hours would be merged at query time).
import type { ClickHouseSettings } from '@clickhouse/client'
import { cpuSec, openBenchClickHouse } from './chdbChild.ts'
import { eventRows } from './events.ts'
import { insertCommitted } from '../../platform/clickhouse/insertCommitted.ts'
import { load1 } from './compare.ts'
import { hourFromMinutesView, perEventRollupView } from './rollupViews.ts'
const customers = Number(process.argv[2] ?? 200)
const rounds = Number(process.argv[3] ?? 7)
const ch = await openBenchClickHouse('tally-views-')
const h = ch.handle
const run = (query: string, settings: ClickHouseSettings = {}) => h.client.command({ query, clickhouse_settings: settings })
await run('CREATE TABLE src AS events')
for (let k = 0; k < 10; k++)
  await insertCommitted(h, {
    table: 'src',
    rows: eventRows({ count: 10000, orgId: 'org', rawMetric: 'm', customers, seed: k, idPrefix: `x${k}` }).map((r) => ({ ...r, writer_slot: 1 })),
  })
const variants: Record<string, string[]> = {
  none: [],
  two: ['m', 'h'],
  cascade: ['m', 'hc'],
  minute: ['m'],
}
for (const [v, views] of Object.entries(variants)) {
  await run(`CREATE TABLE feed_${v} AS rollup_feed`)
  await run(`CREATE TABLE um_${v} AS usage_minute`)
  await run(`CREATE TABLE uh_${v} AS usage_hour`)
  for (const w of views) {
    if (w === 'm') await run(perEventRollupView(`${v}_m`, `feed_${v}`, `um_${v}`, 'toStartOfMinute'))
    if (w === 'h') await run(perEventRollupView(`${v}_h`, `feed_${v}`, `uh_${v}`, 'toStartOfHour'))
    if (w === 'hc') await run(hourFromMinutesView(`${v}_hc`, `um_${v}`, `uh_${v}`))
  }
}
const cpu: Record<string, number[]> = {}
const loads = [load1()]
for (let r = 0; r < rounds; r++) {
  const names = Object.keys(variants)
  for (let i = 0; i < r; i++) names.push(names.shift()!)
  for (const v of names) {
    const c0 = cpuSec()
    await run(`INSERT INTO feed_${v} SELECT org_id, raw_metric, customer_id, timestamp, data, writer_slot FROM src`, {
      max_block_size: '10000',
      min_insert_block_size_rows: '10000',
      max_insert_threads: '1',
      max_threads: 1,
      insert_deduplicate: 0,
    })
    ;(cpu[v] ??= []).push(cpuSec() - c0)
  }
  loads.push(load1())
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`100k events (${customers} customers, 10k-row blocks), ${rounds} rounds; load ${loads.map((l) => l.toFixed(1)).join(' ')}`)
for (const [v, xs] of Object.entries(cpu))
  console.log(
    v.padEnd(10),
    'median',
    (med(xs) * 1000).toFixed(0),
    'ms CPU; µs/event',
    ((med(xs) * 1e6) / 100000).toFixed(2),
    ' all',
    xs.map((x) => (x * 1000).toFixed(0)).join(' '),
  )
await ch.destroy()
