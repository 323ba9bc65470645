// Stage 9 in one process (chDB + PGlite, the embedded mode): how long other work waits behind
// one organisation's billable-metric previews on the one chDB session.
//   ingest   org A previews a template that would run for minutes; meanwhile org B's events
//            are inserted into `events` one at a time (the statement the drain sends), the next
//            250 ms after the last returned. Measured: the longest of those writes (the wait
//            ingest suffers), and how long the preview held on before its limit stopped it.
//   backlog  org A starts ten previews of a template that runs ~1 s each; then org B starts
//            one light preview. Measured: B's preview latency, against the same preview alone.
// Each is run as Tally was before issue 11 ("fifo": one queue in arrival order, previews under
// the rating limits, 30 s) and as it is now ("fair": Tally's own statements first,
// organisations round-robin, previews under PREVIEW_LIMITS).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createTestLedger, testNow } from '../support/testLedger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createMetricService, type MetricService } from '../../sql/metricService.ts'
import { DEFAULT_LIMITS } from '../../sql/sandbox.ts'
import { openBenchClickHouse, scalar, serveChild } from './chdbChild.ts'

const PERIOD = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') }
const crossJoin = (side: number) =>
  `SELECT count() AS quantity FROM (SELECT arrayJoin(range(${side})) AS a) AS l CROSS JOIN (SELECT arrayJoin(range(${side})) AS b) AS r WHERE a + b = 3`
/** 10^10 joined rows: minutes of work, so the preview ends at its max_execution_time. */
const ENDLESS = crossJoin(100_000)
const LIGHT = 'SELECT count() AS quantity FROM raw.api_calls WHERE customer_id = {customer_id:String}'
const sqlMetric = (customer_query: string) => ({ unit: 'u', mode: 'sql' as const, raw_metrics: ['api_calls'], customer_query, parameters: [], dimensions: [] })

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  serveChild(async () => {
    const ch = await openBenchClickHouse('tally-bench-sharing-')
    const pgDir = mkdtempSync(join(tmpdir(), 'tally-bench-sharing-pg-'))
    const db = await openDatabase({ dataDir: pgDir })
    await migrateDatabase(db, ledgerMigrationsFolder)
    const ledger = createTestLedger(db.db)
    const orgA = (await ledger.organisations.create({ now: testNow(), name: 'noisy' })).id
    const orgB = (await ledger.organisations.create({ now: testNow(), name: 'quiet' })).id
    for (const orgId of [orgA, orgB]) await ledger.rawMetrics.create({ now: testNow(), orgId, name: 'api_calls' })
    const deps = { store: ledger.billableMetrics, checkRawMetric: async (o: string, n: string) => void (await ledger.rawMetrics.get(o, n)) }
    const services: Record<string, MetricService> = {
      fair: createMetricService({ ...deps, handle: ch.handle }),
      fifo: createMetricService({ ...deps, handle: { ...ch.handle, templateWork: (_orgId, fn) => fn() }, previewLimits: DEFAULT_LIMITS }),
    }
    let seq = 0
    const ingestOne = async () => {
      const t = performance.now()
      await ch.handle.client.insert({
        table: 'events',
        values: [
          {
            org_id: orgB,
            raw_metric: 'api_calls',
            customer_id: 'b-1',
            event_id: `s-${seq++}`,
            timestamp: '2026-10-05 10:00:00.000',
            data: '{}',
            ingested_at: '2026-10-05 10:00:00.000',
            source: 'bench',
          },
        ],
        format: 'JSONEachRow',
      })
      return performance.now() - t
    }
    const preview = async (service: MetricService, orgId: string, sql: string) => {
      const t = performance.now()
      const outcome = await service.previewDraft(orgId, sqlMetric(sql), { customerId: 'b-1', period: PERIOD }).then(
        () => 'ok',
        (err: unknown) => String((err as { code?: string }).code ?? err),
      )
      return { ms: performance.now() - t, outcome }
    }
    // The backlog template's size, chosen once so that one run takes about a second here.
    let side = 10_000
    for (;;) {
      const { ms } = await preview(services.fair!, orgA, crossJoin(side))
      if (ms > 700 || side > 200_000) break
      side = Math.round(side * Math.min(3, Math.sqrt(1000 / Math.max(ms, 1))))
    }
    const backlogSql = crossJoin(side)
    const backlogAlone = await preview(services.fair!, orgA, backlogSql)
    await ingestOne() // warm the writer's path
    return {
      ready: { clickhouse: await scalar(ch.handle, 'SELECT version()'), backlogSide: side, backlogPreviewMs: backlogAlone.ms },
      async handle(msg) {
        const service = services[String(msg.mode)]!
        if (msg.type === 'ingest') {
          let done = false
          const running = preview(service, orgA, ENDLESS).finally(() => (done = true))
          const writes: number[] = []
          while (!done) {
            await new Promise((r) => setTimeout(r, 250))
            writes.push(await ingestOne())
          }
          const p = await running
          return { writeMs: Math.max(...writes), writes: writes.length, previewMs: p.ms, previewOutcome: p.outcome }
        }
        const alone = await preview(service, orgB, LIGHT)
        const backlog = Array.from({ length: 10 }, () => preview(service, orgA, backlogSql))
        const quiet = await preview(service, orgB, LIGHT)
        const noisy = await Promise.all(backlog)
        return {
          aloneMs: alone.ms,
          behindBacklogMs: quiet.ms,
          backlogDoneMs: Math.max(...noisy.map((n) => n.ms)),
          outcomes: [quiet.outcome, ...noisy.map((n) => n.outcome)],
        }
      },
      async close() {
        await ch.destroy()
        await db.close()
        rmSync(pgDir, { recursive: true, force: true })
      },
    }
  })
}
