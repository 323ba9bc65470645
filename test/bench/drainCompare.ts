// One drain batch, this tree's DrainSlot against another tree's (an older commit checked out in
// a worktree), in one process on one chDB, alternating inside each round so the load of the shared
// machine falls on both alike: CPU seconds of the process (chDB's threads included) per batch.
//
//   git worktree add /tmp/wt-old <commit> && ln -s "$PWD/node_modules" /tmp/wt-old/node_modules
//   npx tsx test/bench/drainCompare.ts /tmp/wt-old [rows=10000] [rounds=9] [warm batches=5] [customers=200] [ids=bench|hex]
//
// The two slots (1: the other tree, 2: this one) write the same tables; every batch is fresh ids
// of the bench's event shape, so both do the same work (lookup finds nothing, intent, insert).
// Before its batch, each tree's dedup lookup (findStoredKeys) also runs alone on the batch's ids,
// for its own CPU (not counted in the batch's). ids=bench: the bench's `<prefix>-<n>`; hex: 32 random
// hex characters, the length of the ids the gateway derives (ingest/envelope/eventId.ts).
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { DrainSlot } from '../../metering/drainSlot.ts'
import { createDrainSlot } from '../../metering/drainSlot.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS, findStoredKeys } from '../../metering/storedEvents.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { cpuSec, openBenchClickHouse } from './chdbChild.ts'
import { load1 } from './compare.ts'
import { eventRows } from './events.ts'
import { median } from './stats.ts'

const otherTree = resolve(process.argv[2] ?? '')
const rowsPerBatch = Number(process.argv[3] ?? 10_000)
const rounds = Number(process.argv[4] ?? 9)
const warm = Number(process.argv[5] ?? 5)
const customers = Number(process.argv[6] ?? 200)
const hexIds = process.argv[7] === 'hex'

type CreateDrainSlot = (handle: ClickHouseHandle, opts: { slot: number; dedupWindowMs: number }) => DrainSlot
type FindStoredKeys = (handle: ClickHouseHandle, rows: EventRow[], windowMs: number) => Promise<Set<string>>

async function main(): Promise<void> {
  if (process.argv[2] === undefined) throw new Error('usage: drainCompare.ts <other tree> [rows] [rounds] [warm] [customers]')
  const other = (await import(`${otherTree}/metering/drainSlot.ts`)) as { createDrainSlot: CreateDrainSlot }
  const otherLookup = (await import(`${otherTree}/metering/storedEvents.ts`)) as { findStoredKeys: FindStoredKeys }
  const ch = await openBenchClickHouse('tally-drain-compare-')
  try {
    const windowMs = DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000
    const slots: Record<string, DrainSlot> = {
      [`other tree (${otherTree})`]: other.createDrainSlot(ch.handle, { slot: 1, dedupWindowMs: windowMs }),
      'this tree': createDrainSlot(ch.handle, { slot: 2, dedupWindowMs: windowMs }),
    }
    const lookups: Record<string, FindStoredKeys> = { [Object.keys(slots)[0]!]: otherLookup.findStoredKeys, 'this tree': findStoredKeys }
    const names = Object.keys(slots)
    let k = 0
    const batch = () => {
      const rows = eventRows({ count: rowsPerBatch, orgId: BENCH_ORG, rawMetric: BENCH_METRIC, customers, seed: 1000 + k, idPrefix: `c${k++}` })
      if (hexIds) for (const r of rows) r.event_id = randomBytes(16).toString('hex')
      return rows
    }
    for (let i = 0; i < warm; i++) for (const n of names) await slots[n]!.insert(batch())
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const lookupCpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const loads = [load1()]
    for (let round = 0; round < rounds; round++) {
      for (const n of round % 2 === 0 ? names : [...names].reverse()) {
        const rows = batch()
        const l0 = cpuSec()
        if ((await lookups[n]!(ch.handle, rows, windowMs)).size > 0) throw new Error(`${n}: the lookup found fresh ids`)
        lookupCpu[n]!.push(cpuSec() - l0)
        const c0 = cpuSec()
        const { inserted } = await slots[n]!.insert(rows)
        cpu[n]!.push(cpuSec() - c0)
        if (inserted !== rows.length) throw new Error(`${n}: ${rows.length - inserted} fresh rows not inserted`)
      }
      loads.push(load1())
    }
    const perRow = (s: number) => ((s * 1e6) / rowsPerBatch).toFixed(1)
    console.log(
      `${rowsPerBatch}-row batches, ${hexIds ? '32-hex' : 'bench'} ids, ${customers} customers, ${rounds} alternating rounds after ${warm} warm ones; load ${loads.map((l) => l.toFixed(1)).join(' → ')}`,
    )
    const spread = (xs: number[]) => `${perRow(median(xs))} (${perRow(Math.min(...xs))}–${perRow(Math.max(...xs))})`
    console.log('| drain slot | whole batch: CPU µs/row (median, min–max) | its lookup alone: CPU µs/row |')
    console.log('| --- | --- | --- |')
    for (const n of names) console.log(`| ${n} | ${spread(cpu[n]!)} | ${spread(lookupCpu[n]!)} |`)
    for (const [what, xs] of [
      ['whole batch', cpu],
      ['lookup', lookupCpu],
    ] as const) {
      const ratios = xs[names[1]!]!.map((c, i) => c / xs[names[0]!]![i]!)
      console.log(`${what}, this ÷ other, per round: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`)
    }
  } finally {
    await ch.destroy()
  }
}

await main()
