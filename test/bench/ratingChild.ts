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
//
// Memory (issue 20): each phase (opening chDB, opening the ledger, setup, the rating run, the
// metric forms) reports its own peak RSS, V8 heap and chDB's tracked memory (memoryPhases.ts);
// TALLY_BENCH_HEAPSNAPSHOT=<phase name> writes a heap snapshot at that phase's end.
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
import { cpuSec, openBenchClickHouse, scalar, serveChild } from './chdbChild.ts'
import { customerId } from './events.ts'
import { timeMetricForms } from './metricForms.ts'
import { ratingLedger } from './ratingStage.ts'
import { createRatingContracts } from './ratingSetup.ts'
import { timedLedger, type LedgerTimes } from './timedLedger.ts'
import { measurePhase, processPeakRssMB, type PhaseMemory } from './memoryPhases.ts'
import { initPgliteLedger } from './pgliteInit.ts'
import { ledgerIo, ledgerIoSince, pageReadsEarlyLate, sampleLedgerIo } from './ledgerIo.ts'

const EVENTS_PER_CUSTOMER = 20
/** Events per INSERT of the setup. */
const EVENT_SLICE = 200_000

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const contracts = Number(process.argv[2] ?? 10_000)
    const pgDir = mkdtempSync(join(tmpdir(), 'tally-bench-rating-pg-'))
    // TALLY_BENCH_LEDGER=postgres: a throwaway database on the machine's Postgres server (the distributed ledger).
    const server = ratingLedger() === 'postgres' ? await createTestDatabase() : undefined
    const opened = await measurePhase('open chDB', () => openBenchClickHouse('tally-bench-rating-'))
    const ch = opened.value
    const chdbTracked = async () => Number(await scalar(ch.handle, "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'"))
    // PGlite's directory is created (initdb) and migrated in a process of its own (pgliteInit.ts).
    if (server === undefined) initPgliteLedger(pgDir)
    const ledgerOpened = await measurePhase('open the ledger', async () => {
      const db = await openDatabase({ dataDir: pgDir, ...(server === undefined ? {} : { databaseUrl: server.url }) })
      await migrateDatabase(db, ledgerMigrationsFolder)
      return db
    })
    const db = ledgerOpened.value
    let openMemory: PhaseMemory[] = [{ ...opened.memory, chdbTrackedMB: (await chdbTracked()) / 1024 / 1024 }, ledgerOpened.memory]
    const ledger = createTestLedger(db.db)
    const services = buildMeteringServices(ch.handle, ledger)
    const source = services.quantities
    let round = 0
    return {
      ready: { clickhouse: await scalar(ch.handle, 'SELECT version()') },
      async handle() {
        const memory = openMemory
        openMemory = []
        const s0 = performance.now()
        const setupPhase = await measurePhase(
          'setup',
          async () => {
            const orgId = (await ledger.organisations.create({ now: testNow(), name: `bench-${round++}` })).id
            const metric = await createApiCallCount({ ledger, services }, orgId)
            const api = await ledger.products.create({
              now: testNow(),
              orgId,
              name: 'API calls',
              kind: 'metered',
              metricName: 'api_call_count',
              metricVersion: 1,
            })
            const fee = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
            await createRatingContracts(db.db, ledger, { orgId, feeId: fee.id, apiId: api.id, contracts })
            // The events in slices (numbers(from, count): the same rows as one statement): one
            // INSERT … SELECT of 2,000,000 rows (100k contracts) and its rollup views held 1.5 GB of
            // RSS at its peak, more than the whole rating run; slices of 200,000 peak near 0.56 GB.
            const events = contracts * EVENTS_PER_CUSTOMER
            for (let from = 0; from < events; from += EVENT_SLICE) {
              await ch.handle.client.command({
                query: `INSERT INTO events (org_id, raw_metric, customer_id, event_id, timestamp, data, ingested_at, source)
                  SELECT '${orgId}', 'api_calls', concat('cust-', leftPad(toString(number % ${contracts}) AS n, greatest(5, length(n)), '0')), concat('r-', toString(number)),
                         toDateTime64('2026-10-01 00:00:00', 3, 'UTC') + toIntervalSecond(number % 2592000), '{}', now64(3), 'bench'
                  FROM numbers(${from}, ${Math.min(EVENT_SLICE, events - from)})`,
                clickhouse_settings: { insert_deduplicate: 0 },
              })
            }
            return { orgId, metric }
          },
          chdbTracked,
        )
        memory.push(setupPhase.memory)
        const { orgId, metric } = setupPhase.value
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
        // Wall and CPU inside the phase: its end (a full GC, chDB's figure) is not the run's.
        let wallMs = 0
        let cpu = 0
        // The ledger's page reads, writes and WAL during the run (ledgerIo.ts), sampled every 5 s.
        const io0 = await ledgerIo(db.db)
        const sampler = sampleLedgerIo(db.db, () => ledgerTime.contractsWritten ?? 0)
        const ratingPhase = await measurePhase(
          'rating run',
          async () => {
            const c0 = cpuSec()
            const t0 = performance.now()
            const result = await runRating(
              { ledger: timedLedger(ledger, ledgerTime), quantities: timedSource, clock: fixedClock('2026-11-01T06:00:00Z') },
              { orgId, asOf: new Date('2026-11-01T06:00:00Z'), graceHours: 24 },
            )
            wallMs = performance.now() - t0
            cpu = cpuSec() - c0
            return result
          },
          chdbTracked,
        )
        const summary = ratingPhase.value
        memory.push(ratingPhase.memory)
        const samples = await sampler.stop()
        const io = ledgerIoSince(io0, await ledgerIo(db.db))
        const pageReads = pageReadsEarlyLate(samples, summary.contracts)
        const q0 = performance.now()
        for (const req of requests) await source.quantities(req)
        const queriesAloneMs = performance.now() - q0
        const formsPhase = await measurePhase(
          'metric forms',
          () =>
            timeMetricForms({
              handle: ch.handle,
              orgId,
              version: toResolved(metric),
              customerIds: Array.from({ length: contracts }, (_, i) => customerId(i)),
              period: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') },
            }),
          chdbTracked,
        )
        const forms = formsPhase.value
        memory.push(formsPhase.memory)
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
          peakRssMB: processPeakRssMB(),
          runPeakRssMB: ratingPhase.memory.peakRssMB,
          forms,
          memory,
          io,
          pageReadsPer1kEarly: pageReads?.early ?? Number.NaN,
          pageReadsPer1kLate: pageReads?.late ?? Number.NaN,
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
