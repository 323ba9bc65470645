// Stage 8 in one process (chDB + PGlite, the embedded mode; or the Postgres server's ledger with
// TALLY_BENCH_LEDGER=postgres): N contracts, one customer each,
// a monthly fee in advance and API calls in arrears on a tiered price over a COUNT metric,
// 20 events per customer in October; then the rating job for November 1st (the opening
// invoice finalized, October's usage drafted). Each round rates a fresh organisation, set up in
// bulk (ratingSetup.ts: the first customer and contract through the repositories, the rest
// copies in multi-row inserts), not timed.
//
// Then the metric run alone in its three forms (metricForms.ts): per customer, grouped, rollups.
//
// P7 wants the job's wall time ÷ its metric queries and ledger writes measured alone:
//   queries alone  the job's QuantitySource requests, recorded, then replayed on their own
//   ledger         time inside Ledger repository calls during the run, less the pricing:
//                  the chunks' transaction callbacks, where contracts are priced with their
//                  writes held in memory (timedLedger.ts), reported on their own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildMeteringServices } from '../../app/services.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'
import { createApiCallCount } from '../support/meteredLedger.ts'
import { createTestDatabase } from '../support/postgresTestDatabase.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { toResolved } from '../../sql/metricService.ts'
import { cpuSec, openBenchClickHouse, peakRssMB, scalar, serveChild } from './chdbChild.ts'
import { customerId } from './events.ts'
import { timeMetricForms } from './metricForms.ts'
import { ratingLedger } from './ratingStage.ts'
import { createRatingContracts } from './ratingSetup.ts'
import { timedLedger, type LedgerTimes } from './timedLedger.ts'

const EVENTS_PER_CUSTOMER = 20

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const contracts = Number(process.argv[2] ?? 10_000)
    const ch = await openBenchClickHouse('tally-bench-rating-')
    const pgDir = mkdtempSync(join(tmpdir(), 'tally-bench-rating-pg-'))
    // TALLY_BENCH_LEDGER=postgres: a throwaway database on the machine's Postgres server (the distributed ledger).
    const server = ratingLedger() === 'postgres' ? await createTestDatabase() : undefined
    const db = await openDatabase({ dataDir: pgDir, ...(server === undefined ? {} : { databaseUrl: server.url }) })
    await migrateDatabase(db, ledgerMigrationsFolder)
    const ledger = createTestLedger(db.db)
    const services = buildMeteringServices(ch.handle, ledger)
    const source = services.quantities
    let round = 0
    return {
      ready: { clickhouse: await scalar(ch.handle, 'SELECT version()') },
      async handle() {
        const s0 = performance.now()
        const orgId = (await ledger.organisations.create({ now: testNow(), name: `bench-${round++}` })).id
        const metric = await createApiCallCount({ ledger, services }, orgId)
        const api = await ledger.products.create({ now: testNow(), orgId, name: 'API calls', kind: 'metered', metricName: 'api_call_count', metricVersion: 1 })
        const fee = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
        await createRatingContracts(db.db, ledger, { orgId, feeId: fee.id, apiId: api.id, contracts })
        await ch.handle.client.command({
          query: `INSERT INTO events (org_id, raw_metric, customer_id, event_id, timestamp, data, ingested_at, source)
                  SELECT '${orgId}', 'api_calls', concat('cust-', leftPad(toString(number % ${contracts}) AS n, greatest(5, length(n)), '0')), concat('r-', toString(number)),
                         toDateTime64('2026-10-01 00:00:00', 3, 'UTC') + toIntervalSecond(number % 2592000), '{}', now64(3), 'bench'
                  FROM numbers(${contracts * EVENTS_PER_CUSTOMER})`,
          clickhouse_settings: { insert_deduplicate: 0 },
        })
        const setupSec = (performance.now() - s0) / 1000

        const ledgerTime: LedgerTimes = { ms: 0, pricingMs: 0 }
        let queryMs = 0
        const requests: Parameters<QuantitySource['quantities']>[0][] = []
        const timedSource: QuantitySource = {
          async quantities(req) {
            requests.push(req)
            const t = performance.now()
            try {
              return await source.quantities(req)
            } finally {
              queryMs += performance.now() - t
            }
          },
        }
        const c0 = cpuSec()
        const t0 = performance.now()
        const summary = await runRating(
          { ledger: timedLedger(ledger, ledgerTime), quantities: timedSource, clock: fixedClock('2026-11-01T06:00:00Z') },
          { orgId, asOf: new Date('2026-11-01T06:00:00Z'), graceHours: 24 },
        )
        const wallMs = performance.now() - t0
        const cpu = cpuSec() - c0
        const q0 = performance.now()
        for (const req of requests) await source.quantities(req)
        const queriesAloneMs = performance.now() - q0
        const forms = await timeMetricForms({
          handle: ch.handle,
          orgId,
          version: toResolved(metric),
          customerIds: Array.from({ length: contracts }, (_, i) => customerId(i)),
          period: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') },
        })
        return {
          contracts: summary.contracts,
          rated: summary.contractsRated,
          invoices: summary.invoices,
          metricRuns: summary.metricRuns,
          skipped: summary.skipped.length,
          wallSec: wallMs / 1000,
          queriesInRunSec: queryMs / 1000,
          queriesAloneSec: queriesAloneMs / 1000,
          ledgerSec: (ledgerTime.ms - ledgerTime.pricingMs) / 1000,
          pricingSec: ledgerTime.pricingMs / 1000,
          setupSec,
          cpuSec: cpu,
          peakRssMB: peakRssMB(),
          forms,
        }
      },
      async close() {
        await ch.destroy()
        await db.close()
        await server?.drop()
        rmSync(pgDir, { recursive: true, force: true })
      },
    }
  })
}
