// Stage 7 in one process with one chDB: N generated events (one org, 1,000 customers, 30 days,
// ~200-byte JSON data) written through `events` and its views, then three reads of the same
// rows compared against a plain sum() over the whole table:
//   metric   a billable metric (builder: SUM of data.tokens) for every customer and the whole
//            period through sql/metricQuantities: sandbox checks, org/metric scope, Decimal128,
//            100 customers per statement, the call a rating run makes
//   rollups  the same quantity from the rollups (`usage_hour`, sumMerge), as GET /v1/usage reads it
import { metricQuantities } from '../../sql/metricQuantities.ts'
import { resolveMetricVersion } from '../../sql/metricDefinition.ts'
import { BENCH_METRIC, BENCH_ORG } from './benchIds.ts'
import { cpuSec, openBenchClickHouse, peakRssMB, scalar, serveChild } from './chdbChild.ts'
import { customerId } from './events.ts'
import { percentile } from './stats.ts'
import { perEventRollupView } from './rollupViews.ts'

const CUSTOMERS = 1000
const PERIOD_START = Date.UTC(2026, 9, 1)
const PERIOD_MS = 30 * 86_400_000
const CHUNK = 2_000_000

function generateSql(start: number, count: number, total: number): string {
  // Deterministic pseudo-random fields from the row number; timestamps spread evenly over the period.
  return `INSERT INTO events (org_id, raw_metric, customer_id, event_id, timestamp, data, ingested_at, source)
SELECT '${BENCH_ORG}', '${BENCH_METRIC}', concat('cust-', leftPad(toString(number % ${CUSTOMERS}), 5, '0')), concat('q-', toString(number)),
       ts, data, ts, 'bench'
FROM (
  SELECT number,
         fromUnixTimestamp64Milli(toInt64(${PERIOD_START} + intDiv(number * ${PERIOD_MS}, ${total})), 'UTC') AS ts,
         50 + (number * 7919) % 4000 AS i, 10 + (number * 104729) % 1500 AS o,
         concat('{"tokens":"', toString(i + o), '","input_tokens":"', toString(i), '","output_tokens":"', toString(o),
                '","model":"', ['gpt-4o-mini','gpt-4o','claude-haiku','llama-3-70b','mistral-large'][number % 5 + 1],
                '","region":"', ['eu-west-1','us-east-1','ap-south-1','us-west-2'][intDiv(number, 7) % 4 + 1],
                '","latency_ms":"', toString(40 + (number * 13) % 900), '","cached":', if(number % 5 = 0, 'true', 'false'), '}') AS data
  FROM numbers(${start}, ${count})
)`
}

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const total = Number(process.argv[2] ?? 10_000_000)
    const ch = await openBenchClickHouse('tally-bench-query-')
    const { handle } = ch
    // NOTE: the minute rollup is detached while generating. Spread over 30 days and 1,000
    // customers, almost every event is alone in its (customer, minute) bucket, so the minute view
    // writes ~8 aggregate rows per event and makes generation ~6× slower (measured: 23 µs CPU per
    // event vs 3 µs for the hour view); no query of this stage reads it. Since migration 0006 the
    // hour view reads the minute rollup's blocks, so while generating a per-event hour view (0005's
    // query, the same rows) stands in for it.
    await handle.client.command({ query: 'DETACH TABLE usage_minute_mv' })
    await handle.client.command({ query: perEventRollupView('bench_generation_hour_mv', 'rollup_feed', 'usage_hour', 'toStartOfHour') })
    const t0 = performance.now()
    const cpu0 = cpuSec()
    for (let start = 0; start < total; start += CHUNK) {
      await handle.client.command({ query: generateSql(start, Math.min(CHUNK, total - start), total), clickhouse_settings: { insert_deduplicate: 0 } })
      process.stderr.write(`\r  generated ${Math.min(total, start + CHUNK).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events`)
    }
    process.stderr.write('\n')
    const generateSec = (performance.now() - t0) / 1000
    const generateCpu = cpuSec() - cpu0
    await handle.client.command({ query: 'DROP VIEW bench_generation_hour_mv' })
    await handle.client.command({ query: 'ATTACH TABLE usage_minute_mv' })
    await handle.client.command({ query: 'OPTIMIZE TABLE usage_hour FINAL' })
    const version = resolveMetricVersion({
      unit: 'token',
      mode: 'builder',
      builder: { raw_metric: BENCH_METRIC, customer_column: 'customer_id', usage_field: 'tokens', aggregation: 'SUM', filters: [], group_by: [] },
    })
    const customerIds = Array.from({ length: CUSTOMERS }, (_, i) => customerId(i))
    const period = { start: new Date(PERIOD_START), end: new Date(PERIOD_START + PERIOD_MS) }
    const from = "toDateTime('2026-10-01 00:00:00', 'UTC')"
    const queries: Record<string, () => Promise<string>> = {
      plain: () => scalar(handle, "SELECT toString(sum(toDecimal128OrNull(JSONExtractString(data, 'tokens'), 9))) FROM events"),
      async metric() {
        const r = await metricQuantities({ handle, orgId: BENCH_ORG, version, customerIds, period })
        return r.customers.reduce((sum, c) => sum + BigInt(c.quantity.split('.')[0]!), 0n).toString()
      },
      rollups: () =>
        scalar(
          handle,
          `SELECT toString(sum(q)) FROM (SELECT customer_id, sumMerge(sum) AS q FROM usage_hour
           WHERE org_id = '${BENCH_ORG}' AND raw_metric = '${BENCH_METRIC}' AND field = 'tokens'
             AND bucket >= ${from} AND bucket < ${from} + INTERVAL 30 DAY GROUP BY customer_id)`,
        ),
    }
    const answers: Record<string, string> = {}
    return {
      ready: {
        clickhouse: await scalar(handle, 'SELECT version()'),
        events: Number(await scalar(handle, 'SELECT count() FROM events')),
        generateSec,
        generateCpu,
        diskMB: Number(await scalar(handle, 'SELECT sum(bytes_on_disk) / 1048576 FROM system.parts WHERE active AND database = currentDatabase()')),
      },
      async handle(msg) {
        const run = queries[String(msg.side)]!
        const deadline = performance.now() + Number(msg.durationMs)
        const latencies: number[] = []
        const c0 = cpuSec()
        let busy = 0
        do {
          const t = performance.now()
          answers[String(msg.side)] = (await run()).split('.')[0]!
          const ms = performance.now() - t
          busy += ms
          latencies.push(ms)
        } while (performance.now() < deadline)
        latencies.sort((a, b) => a - b)
        return {
          queries: latencies.length,
          // Events covered per second: every side answers for all `total` events.
          rate: (total * latencies.length) / (busy / 1000),
          busySec: busy / 1000,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
          cpuSec: cpuSec() - c0,
          peakRssMB: peakRssMB(),
          answers,
        }
      },
      close: () => ch.destroy(),
    }
  })
}
