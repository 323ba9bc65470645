// Stage 4 in one process with one chDB: the metering flush (a drain slot's batch: dedup
// lookup in `events` through its projection, the intent row, then one insert into `events`
// feeding both rollups through the views; the code the writer and the Kafka worker run)
// against a plain synchronous insert of the same rows into a copy of `events` without views
// and without the projection, in the drain's own encoding (JSONCompactEachRow). Both
// sides insert batch k = the same generated rows (ids included) for the same k. CPU is counted
// inside the timed calls only (not the generation, nor the lookup run apart for its share).
import { createDrainSlot } from '../../metering/drainSlot.ts'
import { DEFAULT_DEDUP_WINDOW_DAYS, findStoredKeys } from '../../metering/storedEvents.ts'
import { insertCommittedCompact } from '../../platform/clickhouse/insertCommitted.ts'
import { STORED_COLUMNS, storedValues } from '../../metering/eventRow.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { cpuSec, openBenchClickHouse, peakRssMB, scalar, serveChild } from './chdbChild.ts'
import { eventRows } from './events.ts'
import { percentile } from './stats.ts'

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const batchRows = Number(process.argv[2] ?? 10_000)
    const customers = Number(process.argv[3] ?? 200)
    const ch = await openBenchClickHouse('tally-bench-writer-')
    const { handle } = ch
    await handle.client.command({ query: 'CREATE TABLE events_plain AS events' })
    await handle.client.command({ query: 'ALTER TABLE events_plain DROP PROJECTION by_event_id' })
    const windowMs = DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000
    const drain = createDrainSlot(handle, { slot: 1, dedupWindowMs: windowMs })
    const next: Record<string, number> = { plain: 0, writer: 0 }
    const batch = (k: number) => eventRows({ count: batchRows, orgId: BENCH_ORG, rawMetric: BENCH_METRIC, customers, seed: 1000 + k, idPrefix: `w${k}` })
    return {
      ready: { clickhouse: await scalar(handle, 'SELECT version()') },
      async handle(msg) {
        const side = String(msg.side)
        const deadline = performance.now() + Number(msg.durationMs)
        const latencies: number[] = []
        let rows = 0
        let busy = 0
        let lookupCpu = 0
        let cpu = 0
        while (performance.now() < deadline) {
          const k = next[side]!++
          const values = batch(k) // generated outside the timed section
          if (side === 'writer') {
            // The lookup alone, outside the timed section, for its share of the batch's CPU: the
            // same ids, none stored yet, so it does what the batch's own lookup does next.
            const l0 = cpuSec()
            if ((await findStoredKeys(handle, values, windowMs)).size > 0) throw new Error('generated ids were already stored')
            lookupCpu += cpuSec() - l0
          }
          const c0 = cpuSec()
          const t0 = performance.now()
          let ms: number
          if (side === 'plain') {
            // The same encoding and settings as the drain's own insert (insertCommittedCompact).
            await insertCommittedCompact(handle, { table: 'events_plain', columns: STORED_COLUMNS, rows: values.map((r) => storedValues(r, 1)) })
            ms = performance.now() - t0
            cpu += cpuSec() - c0
          } else {
            const { inserted } = await drain.insert(values)
            ms = performance.now() - t0
            cpu += cpuSec() - c0
            if (inserted !== values.length) throw new Error(`${values.length - inserted} generated rows were already stored`)
          }
          busy += ms
          latencies.push(ms)
          rows += values.length
        }
        latencies.sort((a, b) => a - b)
        return {
          rows,
          // Rows per second of insert time (generation excluded), the rate both sides are compared on.
          rate: rows / (busy / 1000),
          busySec: busy / 1000,
          lookupShare: side === 'writer' ? lookupCpu / cpu : 0,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
          cpuSec: cpu,
          peakRssMB: peakRssMB(),
          stored: Number(await scalar(handle, side === 'plain' ? 'SELECT count() FROM events_plain' : 'SELECT count() FROM events')),
        }
      },
      close: () => ch.destroy(),
    }
  })
}
