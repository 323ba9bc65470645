// What the drain's insert into `events` costs by input format (issue 19, P4/P6): CPU seconds of
// this process (chDB's threads included) per part, on one chDB, the parts alternated inside each
// round so the load of the shared machine falls on all of them alike.
//
//   npx tsx test/bench/insertFormats.ts [rows=10000] [rounds=15] [customers=200]
//
// For each format: `encode` is the JavaScript that turns the batch's rows into the insert's body
// (what @clickhouse/client does), `insert` the whole insert of the same rows into a copy of
// `events` with no view, no projection and no merges (encoding included), so the engine's share
// is insert − encode.
import { insertCommitted, insertCommittedCompact } from '../../platform/clickhouse/insertCommitted.ts'
import { STORED_COLUMNS, storedValues, type EventRow } from '../../metering/eventRow.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { cpuSec, openBenchClickHouse } from './chdbChild.ts'
import { eventRows } from './events.ts'
import { load1 } from './compare.ts'
import { median } from './stats.ts'

const rowsPerBatch = Number(process.argv[2] ?? 10_000)
const rounds = Number(process.argv[3] ?? 15)
const customers = Number(process.argv[4] ?? 200)
const SLOT = 1

const named = (rows: EventRow[]) => rows.map((r) => ({ ...r, writer_slot: SLOT }))
const values = (rows: EventRow[]) => rows.map((r) => storedValues(r, SLOT))
const lines = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('')

async function main(): Promise<void> {
  const ch = await openBenchClickHouse('tally-insert-formats-')
  const { handle } = ch
  try {
    await handle.client.command({ query: 'CREATE TABLE events_plain AS events' })
    await handle.client.command({ query: 'ALTER TABLE events_plain DROP PROJECTION by_event_id' })
    // Background merges of the copy would land in whichever part's CPU window they run in.
    await handle.client.command({ query: 'SYSTEM STOP MERGES events_plain' })
    const batch = (k: number) => eventRows({ count: rowsPerBatch, orgId: BENCH_ORG, rawMetric: BENCH_METRIC, customers, seed: 1000 + k, idPrefix: `f${k}` })
    const parts: Record<string, (rows: EventRow[]) => unknown> = {
      'encode JSONEachRow': (rows) => lines(named(rows)),
      'encode JSONCompactEachRow': (rows) => lines(values(rows)),
      'insert JSONEachRow (insertCommitted)': (rows) => insertCommitted(handle, { table: 'events_plain', rows: named(rows) }),
      'insert JSONCompactEachRow (insertCommittedCompact)': (rows) =>
        insertCommittedCompact(handle, { table: 'events_plain', columns: STORED_COLUMNS, rows: values(rows) }),
    }
    const names = Object.keys(parts)
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    for (let k = 0; k < 3; k++) for (const n of names) await parts[n]!(batch(k))
    const loads: number[] = [load1()]
    for (let round = 0; round < rounds; round++) {
      const rows = batch(10 + round)
      const order = [...names]
      for (let i = 0; i < round; i++) order.push(order.shift()!)
      for (const name of order) {
        const c0 = cpuSec()
        await parts[name]!(rows)
        cpu[name]!.push(cpuSec() - c0)
      }
      loads.push(load1())
    }
    console.log(`${rowsPerBatch} rows a batch over ${customers} customers, ${rounds} rounds; load ${loads.map((l) => l.toFixed(1)).join(' → ')}`)
    console.log('| part | CPU µs/row (median, min–max) |')
    console.log('| --- | --- |')
    const perRow = (s: number) => ((s * 1e6) / rowsPerBatch).toFixed(2)
    for (const n of names) console.log(`| ${n} | ${perRow(median(cpu[n]!))} (${perRow(Math.min(...cpu[n]!))}–${perRow(Math.max(...cpu[n]!))}) |`)
  } finally {
    await ch.destroy()
  }
}

await main()
