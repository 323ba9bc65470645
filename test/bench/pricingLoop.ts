// Stage 8's pricing alone, in a tight loop (issue 20): stage 8's contracts (ratingSetup.ts: a
// 100.00 fee in advance, tiered API calls in arrears; the run finalizes the opening invoice and
// drafts October's usage) on a PGlite ledger, planned and given usage once (20 calls each, a
// stand-in QuantitySource), then priced again and again as a rating run prices them: rateContract
// for each contract of a chunk inside withContractLocks, whose sessions hold their writes, the
// chunk rolled back so the next pass prices the same contracts afresh. Only the callbacks are
// timed (wall and CPU), chunk by chunk: what stage 8 reports as "pricing", without its ledger
// writes, queries or the noise of a full run.
//
// `--compare <checkout>` loads the rating and ledger code of another checkout (a worktree of an
// older commit) in the same process and alternates chunks between the two, so both are measured
// under the same load; it reports each side's median and the median of the paired ratios.
// Usage: npx tsx test/bench/pricingLoop.ts [contracts=2000] [passes=10] [--compare ../old]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { CustomerUsage, QuantitySource } from '../../rating/execute/quantitySource.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'
import { createRatingContracts } from './ratingSetup.ts'
import { median } from './stats.ts'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { compare: { type: 'string' } } })
const contracts = Number(positionals[0] ?? 2000)
const passes = Number(positionals[1] ?? 10)
const CHUNK = 200
const asOf = new Date('2026-11-01T06:00:00Z')
const here = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const roots = [here, ...(values.compare === undefined ? [] : [resolve(values.compare)])]

const dir = mkdtempSync(join(tmpdir(), 'tally-pricing-loop-'))
const handle = await openDatabase({ dataDir: dir })
await migrateDatabase(handle, ledgerMigrationsFolder)
const setupLedger = createTestLedger(handle.db)
const orgId = (await setupLedger.organisations.create({ now: testNow(), name: 'pricing-loop' })).id
await setupLedger.rawMetrics.create({ now: testNow(), orgId, name: 'api_calls' })
const api = await setupLedger.products.create({ now: testNow(), orgId, name: 'API calls', kind: 'metered', metricName: 'api_call_count', metricVersion: 1 })
const fee = await setupLedger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
await createRatingContracts(handle.db, setupLedger, { orgId, feeId: fee.id, apiId: api.id, contracts })
const quantities: QuantitySource = {
  async quantities(req) {
    return new Map<string, CustomerUsage>(req.customerIds.map((id) => [id, { quantity: '20', rows: [{ dimensions: {}, quantity: '20' }] }]))
  },
}

/** One checkout's code, its contracts planned and their usage fetched with it. */
async function side(root: string) {
  const load = <T>(path: string) => import(pathToFileURL(join(root, path)).href) as Promise<T>
  const { createTestLedger: ledgerOf } = await load<typeof import('../support/testLedger.ts')>('test/support/testLedger.ts')
  const { startOfDay } = await load<typeof import('../../rating/compute/calendar/zonedBoundary.ts')>('rating/compute/calendar/zonedBoundary.ts')
  const { dueInvoices } = await load<typeof import('../../rating/execute/billingSchedule.ts')>('rating/execute/billingSchedule.ts')
  const { rateContract } = await load<typeof import('../../rating/execute/rateContract.ts')>('rating/execute/rateContract.ts')
  const { currencyTablesOf, fetchUsage } = await load<typeof import('../../rating/execute/rateScheduledInvoice.ts')>('rating/execute/rateScheduledInvoice.ts')
  const { planWork, productsOf, scheduleOf } = await load<typeof import('../../rating/execute/ratingRun.ts')>('rating/execute/ratingRun.ts')
  const ledger = ledgerOf(handle.db)
  const page = await ledger.contracts.list({ orgId, limit: contracts })
  const products = await productsOf(ledger, page)
  const currencies = (await currencyTablesOf(ledger, page)).get(orgId)!
  const planned = page.map((contract) => ({
    contract,
    work: dueInvoices(scheduleOf(contract), (date) => startOfDay(date, contract.timeZone).getTime() <= asOf.getTime()).map((s) =>
      planWork(contract, products, s, () => undefined),
    ),
  }))
  const fetched = await fetchUsage(
    quantities,
    planned.flatMap(({ contract, work }) => work.map((w) => ({ contract, items: w.items }))),
  )
  return { root, ledger, planned, fetched, currencies, rateContract, wall: [] as number[], cpu: [] as number[], check: '' }
}

class Rollback extends Error {}

/** Prices one chunk (the `at`-th of the contracts) and rolls it back; records µs per contract. */
async function pass(s: Awaited<ReturnType<typeof side>>, at: number): Promise<void> {
  const chunk = s.planned.slice(at, at + CHUNK)
  const results: Awaited<ReturnType<typeof s.rateContract>>[] = []
  await s.ledger.invoiceDrafts
    .withContractLocks(
      chunk.map((c) => ({ orgId, id: c.contract.id })),
      async (batch) => {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        for (const c of chunk) {
          const session = batch.session(c.contract.id)
          results.push(
            await s.rateContract({
              session,
              contract: c.contract,
              work: c.work,
              threshold: null,
              fetched: s.fetched,
              graceHours: 24,
              asOf,
              now: () => asOf,
              currencies: s.currencies,
            }),
          )
        }
        const c = process.cpuUsage(c0)
        s.wall.push(((performance.now() - t0) / chunk.length) * 1000)
        s.cpu.push(((c.user + c.system) / 1000 / chunk.length) * 1000)
        throw new Rollback()
      },
    )
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err
    })
  const totals = results.flatMap((r) => r.totals.map((t) => Number(t.amount))).reduce((a, b) => a + b, 0)
  s.check = `${results.reduce((n, r) => n + r.touched, 0)} invoices, totals ${totals.toFixed(2)}, skipped ${results.reduce((n, r) => n + r.skipped.length, 0)} in the last chunk`
}

const sides = []
for (const root of roots) sides.push(await side(root))
// Passes over every chunk; the sides alternate chunk by chunk (and which goes first), so both see the same load.
for (let p = 0; p < passes; p++) {
  for (let at = 0, k = 0; at < contracts; at += CHUNK, k++) for (const s of (p + k) % 2 === 0 ? sides : [...sides].reverse()) await pass(s, at)
  console.log(`pass ${p + 1}: ${sides.map((s) => `${s.root} ${s.wall.at(-1)!.toFixed(1)} µs per contract`).join(', ')}`)
}
for (const s of sides)
  console.log(
    `${s.root}: wall median ${median(s.wall).toFixed(1)} (min ${Math.min(...s.wall).toFixed(1)}) µs per contract, CPU median ${median(s.cpu).toFixed(1)} (min ${Math.min(...s.cpu).toFixed(1)}); ${s.wall.length} chunks of ${CHUNK}; ${s.check}`,
  )
if (sides.length === 2) {
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]]
  console.log(
    `${a.root} ÷ ${b.root}, median of paired chunks: wall ${median(a.wall.map((w, i) => w / b.wall[i]!)).toFixed(3)}, CPU ${median(a.cpu.map((c, i) => c / b.cpu[i]!)).toFixed(3)}`,
  )
}
await handle.close()
rmSync(dir, { recursive: true, force: true })
