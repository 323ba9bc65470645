// The rating scheduler rates as of its injected clock, never as of the timer that fires it:
// croner decides WHEN a tick runs (real time), the Clock decides what is due and what is past
// its grace period. Driven by fixed clocks on PGlite, so the expected invoices are exact on any
// real date (the machine's clock is years before or after these instants).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { createLogger } from '../../platform/logger.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import type { RatingSummary } from '../../rating/execute/ratingRun.ts'
import { startRatingScheduler } from '../../rating/execute/ratingScheduler.ts'

let dir: string
let db: DatabaseHandle
let ledger: Ledger

/** Seats only (in advance): no metric runs, so a call here is a bug. */
const noMetrics: QuantitySource = {
  quantities: () => Promise.reject(new Error('no metered product in this test')),
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-scheduler-clock-'))
  db = await openDatabase({ dataDir: dir })
  await migrateDatabase(db, ledgerMigrationsFolder)
  ledger = createTestLedger(db.db)
})
afterAll(async () => {
  await db?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** An organisation with one contract from 2027-01-01: 3 seats × 15.00 = 45.00 each month, in advance. */
async function contractFrom2027(): Promise<string> {
  const orgId = (await ledger.organisations.create({ now: testNow(), name: 'Scheduler clock' })).id
  await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
  const seats = await ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered', defaultQuantity: '3' })
  await ledger.contracts.create({
    now: testNow(),
    orgId,
    customer: 'acme',
    currency: 'USD',
    startDate: '2027-01-01',
    cadence: 'monthly',
    backdatedInvoices: 'finalize',
    phases: [
      {
        start_date: '2027-01-01',
        items: [{ product_id: seats.id, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '15.00' } }],
      },
    ],
  })
  return orgId
}

/** Starts a scheduler ticking every second on `now`, resolves with its first run, and stops it. */
async function firstRun(now: string, orgId: string): Promise<RatingSummary> {
  let resolveRun: (s: RatingSummary) => void = () => undefined
  const ran = new Promise<RatingSummary>((r) => (resolveRun = r))
  const scheduler = startRatingScheduler(
    // Scoped to this test's organisation through its ledger view: other tests' contracts are not rated.
    {
      ledger: { ...ledger, contracts: { ...ledger.contracts, list: (o) => ledger.contracts.list({ ...o, orgId }) } },
      ratingRuns: ledger.ratingRuns,
      organisations: { list: () => Promise.resolve([{ id: orgId }]) },
      quantities: noMetrics,
      clock: fixedClock(now),
      logger: createLogger('silent'),
      onRun: (s) => resolveRun(s),
    },
    { cron: '* * * * * *', graceHours: 72 },
  )
  try {
    return await ran
  } finally {
    await scheduler.stop()
  }
}

describe('rating scheduler on an injected clock', () => {
  it('at 2027-03-01T00:00Z: January and February are due and past grace (finalized), March is due and in grace (draft)', async () => {
    const orgId = await contractFrom2027()
    const summary = await firstRun('2027-03-01T00:00:00Z', orgId)
    expect(summary.asOf).toBe('2027-03-01T00:00:00.000Z')
    // Billing dates 2027-01-01, 02-01, 03-01 (each midnight UTC ≤ asOf); grace 72 h: the first
    // two ended by 01-04 and 02-04, March's runs to 03-04. 3 × 45.00 = 135.00.
    expect(summary.invoices).toEqual({ created: 3, updated: 0, unchanged: 0, finalized: 2, alreadyFinal: 0, heldForReview: 0 })
    expect(summary.totals).toEqual({ USD: '135.00' })
    const invoices = (await ledger.invoices.list(orgId)).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
    expect(invoices.map((i) => [i.billingDate, i.status, i.number, i.total])).toEqual([
      ['2027-01-01', 'finalized', 1, '45.00'],
      ['2027-02-01', 'finalized', 2, '45.00'],
      ['2027-03-01', 'draft', null, '45.00'],
    ])
    // Stamped by the clock too, not by the machine.
    expect(invoices.map((i) => i.ratedAt)).toEqual(Array(3).fill('2027-03-01T00:00:00.000Z'))
    expect(invoices[0]!.finalizedAt).toBe('2027-03-01T00:00:00.000Z')
    // Recorded in the organisation's history as the scheduler's, on the same clock.
    const { runs } = await ledger.ratingRuns.list(orgId, { limit: 10 })
    expect(runs).toMatchObject([
      {
        trigger: 'scheduler',
        actor: 'scheduler',
        status: 'succeeded',
        asOf: '2027-03-01T00:00:00.000Z',
        startedAt: '2027-03-01T00:00:00.000Z',
        finishedAt: '2027-03-01T00:00:00.000Z',
        counters: { contractsRated: 1, invoicesDrafted: 3, invoicesFinalized: 2, skipped: 0, unbilledUsage: 0, heldForReview: 0 },
        error: null,
      },
    ])
  })

  it('at 2031-02-28T12:00Z: fifty monthly invoices, every one past its grace', async () => {
    const orgId = await contractFrom2027()
    const summary = await firstRun('2031-02-28T12:00:00Z', orgId)
    expect(summary.asOf).toBe('2031-02-28T12:00:00.000Z')
    // 2027-01 … 2031-02: 4 years × 12 + 2 = 50 billing dates; the last (02-01) ended its grace on 02-04.
    expect(summary.invoices).toEqual({ created: 50, updated: 0, unchanged: 0, finalized: 50, alreadyFinal: 0, heldForReview: 0 })
    expect(summary.totals).toEqual({ USD: '2250.00' }) // 50 × 45.00
    expect((await ledger.invoices.list(orgId, { limit: 1000 })).map((i) => i.number).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    )
  })

  it('before the contract starts (2026-12-31T23:59:59.999Z) nothing is due', async () => {
    const orgId = await contractFrom2027()
    const summary = await firstRun('2026-12-31T23:59:59.999Z', orgId)
    expect(summary).toMatchObject({ asOf: '2026-12-31T23:59:59.999Z', contracts: 1, contractsRated: 0, invoices: { created: 0, finalized: 0 } })
    expect(await ledger.invoices.list(orgId)).toEqual([])
  })
})
