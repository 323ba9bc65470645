// The dedup lookup (which ids of a drain batch `events` already holds) and what it is made of, side
// by side on one chDB, alternating inside each round: CPU seconds of the process (chDB's threads included)
// and wall ms per lookup of a batch of ids not stored yet, after `stored` batches went in through
// a drain slot (so `events` has the parts, merges and projection a drain leaves).
//
//   npx tsx test/bench/lookupForms.ts [rows=10000] [stored batches=50] [rounds=9] [ids=bench|random]
//
// ids=bench: the bench's ids (`<prefix>-<n>`, one batch's ids sort together); random: 32 hex
// characters (UUID-like), which spread a batch over every granule of the projection.
import { randomBytes } from 'node:crypto'
import { createDrainSlot } from '../../metering/drainSlot.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS, findStoredKeys } from '../../metering/storedEvents.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { openBenchClickHouse, scalar, timed } from './chdbChild.ts'
import { load1 } from './compare.ts'
import { eventRows } from './events.ts'
import { median } from './stats.ts'

const rowsPerBatch = Number(process.argv[2] ?? 10_000)
const storedBatches = Number(process.argv[3] ?? 50)
const rounds = Number(process.argv[4] ?? 9)
const idStyle = process.argv[5] ?? 'bench'
const windowMs = DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000

function batch(k: number): EventRow[] {
  const rows = eventRows({ count: rowsPerBatch, orgId: BENCH_ORG, rawMetric: BENCH_METRIC, customers: 200, seed: 1000 + k, idPrefix: `l${k}` })
  if (idStyle === 'random') for (const r of rows) r.event_id = randomBytes(16).toString('hex')
  return rows
}

/** The lookup's SQL with `where` in place of the id condition; same window and output as findStoredKeys. */
async function lookupWith(handle: ClickHouseHandle, rows: EventRow[], sql: (p: string) => string): Promise<number> {
  const ids = [...new Set(rows.map((r) => r.event_id))]
  const rs = await handle.client.query({
    query: sql(`SELECT org_id, event_id, toString(toUnixTimestamp64Milli(timestamp)) AS ms FROM events`),
    query_params: {
      org_ids: [BENCH_ORG],
      event_ids: ids,
      id_json: JSON.stringify(ids),
      from: '2000-01-01 00:00:00.000',
      to: '2100-01-01 00:00:00.000',
    },
    format: 'JSONEachRow',
  })
  return (await rs.json()).length
}

const window = `timestamp >= {from:DateTime64(3, 'UTC')} AND timestamp <= {to:DateTime64(3, 'UTC')}`

async function main(): Promise<void> {
  const ch = await openBenchClickHouse('tally-lookup-forms-')
  const { handle } = ch
  try {
    const drain = createDrainSlot(handle, { slot: 1, dedupWindowMs: windowMs })
    let last: EventRow[] = []
    for (let k = 0; k < storedBatches; k++) await drain.insert((last = batch(k)))
    const parts = await scalar(handle, `SELECT count() FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active`)
    const arrayIn = `org_id IN {org_ids:Array(String)} AND event_id IN {event_ids:Array(String)} AND ${window}`
    const forms: Record<string, (rows: EventRow[]) => Promise<unknown>> = {
      findStoredKeys: (rows) => findStoredKeys(handle, rows, windowMs),
      'findStoredKeys, a stored batch (every id found)': () => findStoredKeys(handle, last, windowMs),
      'ids as an Array(String) parameter (before)': (rows) => lookupWith(handle, rows, (s) => `${s} WHERE ${arrayIn}`),
      'ids as an Array(String) parameter, no projection': (rows) =>
        lookupWith(handle, rows, (s) => `${s} WHERE ${arrayIn} SETTINGS optimize_use_projections = 0`),
      'the parameter alone: Array(String)': (rows) => lookupWith(handle, rows, () => `SELECT length({event_ids:Array(String)}) AS n`),
      'the parameter alone: one JSON String': (rows) => lookupWith(handle, rows, () => `SELECT length({id_json:String}) AS n`),
    }
    const names = Object.keys(forms)
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const wall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const loads = [load1()]
    for (let round = 0; round < rounds; round++) {
      const rows = batch(storedBatches + 1 + round)
      const order = [...names]
      for (let i = 0; i < round; i++) order.push(order.shift()!)
      for (const name of order) {
        await timed(() => forms[name]!(rows), cpu[name]!, wall[name]!)
      }
      loads.push(load1())
    }
    console.log(
      `${rowsPerBatch}-id lookups (${idStyle} ids, none stored) after ${storedBatches} stored batches (${parts} active parts of events); ${rounds} rounds; load ${loads.map((l) => l.toFixed(1)).join(' → ')}`,
    )
    console.log('| form | CPU ms (median, min–max) | CPU µs/id | wall ms (median) |')
    console.log('| --- | --- | --- | --- |')
    for (const n of names) {
      const c = cpu[n]!.map((x) => x * 1000)
      console.log(
        `| ${n} | ${median(c).toFixed(1)} (${Math.min(...c).toFixed(0)}–${Math.max(...c).toFixed(0)}) | ${((median(c) * 1000) / rowsPerBatch).toFixed(2)} | ${median(wall[n]!).toFixed(0)} |`,
      )
    }
  } finally {
    await ch.destroy()
  }
}

await main()
