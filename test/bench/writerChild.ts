// Stage 4 in one process with one chDB: the metering flush (dedup lookup in `event_keys`,
// then one idempotent insert into `events` feeding event_keys and both rollups through
// materialized views: `insertEventBatch`, the code the writer and the Kafka worker run)
// against a plain synchronous insert of the same rows into a copy of `events` without views.
// Both sides insert batch k = the same generated rows (ids included) for the same k.
import { batchToken, findStoredKeys, insertEventRows } from '../../metering/insertEventBatch.ts'
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
        let lookup = 0
        const cpu0 = cpuSec()
        while (performance.now() < deadline) {
          const k = next[side]!++
          const values = batch(k) // generated outside the timed section
          const t0 = performance.now()
          if (side === 'plain') {
            // NOTE: chDB keeps clickhouse_settings as session state, so the writer's last
            // insert_deduplication_token would still be in force here and silently drop this
            // block as a duplicate; the plain insert passes its own token (same dedup bookkeeping).
            await handle.client.insert({
              table: 'events_plain',
              values,
              format: 'JSONEachRow',
              clickhouse_settings: { async_insert: 0, wait_end_of_query: 1, insert_deduplicate: 1, insert_deduplication_token: `plain-${k}` },
            })
          } else {
            // insertEventBatch's two steps (the rows are unique within the batch), timed apart.
            const stored = await findStoredKeys(handle, values)
            lookup += performance.now() - t0
            if (stored.size > 0) throw new Error(`${stored.size} generated rows were already stored`)
            await insertEventRows(handle, values, batchToken(values))
          }
          const ms = performance.now() - t0
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
          lookupShare: lookup / busy,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
          cpuSec: cpuSec() - cpu0,
          peakRssMB: peakRssMB(),
          stored: Number(await scalar(handle, side === 'plain' ? 'SELECT count() FROM events_plain' : 'SELECT count() FROM events')),
        }
      },
      close: () => ch.destroy(),
    }
  })
}
