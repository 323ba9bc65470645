// Stage 8 in one process (chDB + PGlite, the embedded mode; or the Postgres server's ledger with
// TALLY_BENCH_LEDGER=postgres): N contracts, one customer each,
// a monthly fee in advance and API calls in arrears on a tiered price over a COUNT metric,
// 20 events per customer in October; then the rating job for November 1st (the opening
// invoice finalized, October's usage drafted). Each round rates a fresh organisation.
//
// Then the metric run alone in its three forms (metricForms.ts): per customer, grouped, rollups.
//
// P7 wants the job's wall time ÷ its metric queries and ledger writes measured alone:
//   queries alone  the job's QuantitySource requests, recorded, then replayed on their own
//   ledger         time inside Ledger repository calls during the run. NOTE: it includes the
//                  per-contract transaction callback, hence the pricing compute run inside it,
//                  so wall ÷ (queries + ledger) is a lower bound of the true ratio.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildMeteringServices } from '../../app/services.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { createTestLedger } from '../support/testLedger.ts'
import { createTestDatabase } from '../support/postgresTestDatabase.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { toResolved } from '../../sql/metricService.ts'
import { cpuSec, openBenchClickHouse, peakRssMB, scalar, serveChild } from './chdbChild.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { customerId } from './events.ts'
import { timeMetricForms } from './metricForms.ts'
import { ratingLedger } from './ratingStage.ts'

const EVENTS_PER_CUSTOMER = 20

/** Wraps every method of every repository so the time spent inside them is summed. */
function timedLedger(ledger: Ledger, acc: { ms: number }): Ledger {
  let depth = 0
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          const outer = depth++ === 0
          const t = performance.now()
          const done = () => {
            depth--
            if (outer) acc.ms += performance.now() - t
          }
          try {
            const r: unknown = value.apply(target, args)
            if (r instanceof Promise) return r.finally(done)
            done()
            return r
          } catch (err) {
            done()
            throw err
          }
        }
      },
    })
  return Object.fromEntries(Object.entries(ledger).map(([k, repo]) => [k, wrap(repo as object)])) as unknown as Ledger
}

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
    const { metricService: service, quantities: source } = buildMeteringServices(ch.handle, ledger)
    let round = 0
    return {
      ready: { clickhouse: await scalar(ch.handle, 'SELECT version()') },
      async handle() {
        const s0 = performance.now()
        const orgId = (await ledger.organisations.create({ name: `bench-${round++}` })).id
        await ledger.rawMetrics.create({ orgId, name: 'api_calls' })
        const metric = await service.create(orgId, 'api_call_count', {
          unit: 'call',
          mode: 'builder',
          builder: { raw_metric: 'api_calls', customer_column: 'customer_id', aggregation: 'COUNT', filters: [], group_by: [] },
        })
        const api = await ledger.products.create({ orgId, name: 'API calls', kind: 'metered', metricName: 'api_call_count', metricVersion: 1 })
        const fee = await ledger.products.create({ orgId, name: 'Platform', kind: 'non_metered' })
        for (let i = 0; i < contracts; i++) {
          await ledger.customers.create({ orgId, externalId: customerId(i), name: customerId(i) })
          // The opening invoice is past its grace at the run: finalized (back-dated invoices
          // finalize), as before issue 17's default of holding them for review, so the workload
          // stays comparable.
          await ledger.contracts.create(feeAndTieredCalls({ orgId, customer: customerId(i), feeId: fee.id, apiId: api.id, firstTier: '10' }))
        }
        await ch.handle.client.command({
          query: `INSERT INTO events (org_id, raw_metric, customer_id, event_id, timestamp, data, ingested_at, source)
                  SELECT '${orgId}', 'api_calls', concat('cust-', leftPad(toString(number % ${contracts}), 5, '0')), concat('r-', toString(number)),
                         toDateTime64('2026-10-01 00:00:00', 3, 'UTC') + toIntervalSecond(number % 2592000), '{}', now64(3), 'bench'
                  FROM numbers(${contracts * EVENTS_PER_CUSTOMER})`,
          clickhouse_settings: { insert_deduplicate: 0 },
        })
        const setupSec = (performance.now() - s0) / 1000

        const ledgerTime = { ms: 0 }
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
          ledgerSec: ledgerTime.ms / 1000,
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
