// End to end on the real engines: events into chDB → a stored billable metric (sql/) → a
// contract in PGlite → the rating job → draft → grace period → finalized, with the totals
// checked against arithmetic written out here, then late usage before and after finalization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import type { EventWriter } from '../../metering/eventWriter.ts'
import { fixedClock } from '../../platform/clock.ts'
import { runRating, type RatingDeps } from '../../rating/execute/ratingRun.ts'
import { eventRow } from '../support/eventRows.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { createApiCallCount, openMeteredLedger, type MeteredLedger } from '../support/meteredLedger.ts'
import { testNow } from '../support/testLedger.ts'

let engines: MeteredLedger
let ledger: Ledger
let writer: EventWriter
let deps: RatingDeps
let orgId: string
let seq = 0

async function send(customer: string, count: number, day: string, org = orgId): Promise<void> {
  const rows = Array.from({ length: count }, () =>
    eventRow({ org_id: org, raw_metric: 'api_calls', customer_id: customer, event_id: `e${++seq}`, timestamp: `${day} 12:00:00.000`, data: '{}' }),
  )
  await writer.write(rows)
}

beforeAll(async () => {
  engines = await openMeteredLedger('tally-rating-e2e-')
  ;({ ledger, writer } = engines)
  const { quantities } = engines.services
  deps = { ledger, quantities, clock: fixedClock('2026-12-02T10:00:00Z') }
  orgId = (await ledger.organisations.create({ now: testNow(), name: 'E2E' })).id
  await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
  await ledger.customers.create({ now: testNow(), orgId, externalId: 'other', name: 'Other' })
  await createApiCallCount(engines, orgId)
})

afterAll(async () => {
  await engines?.close()
})

describe('events → metric → contract → rate → draft → finalize', () => {
  it('bills October usage in arrears and November in advance, then handles late usage', async () => {
    const api = await ledger.products.create({ now: testNow(), orgId, name: 'API calls', kind: 'metered', metricName: 'api_call_count', metricVersion: 1 })
    const fee = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
    // 100.00 a month in advance; calls 0.10 up to 1000, 0.05 after.
    const contract = await ledger.contracts.create(feeAndTieredCalls({ orgId, customer: 'acme', feeId: fee.id, apiId: api.id, firstTier: '1000' }))
    await send('acme', 1500, '2026-10-10')
    await send('acme', 7, '2026-11-03') // November: not in October's invoice
    await send('other', 400, '2026-10-10') // another customer
    await send('acme', 999, '2026-10-10', '00000000-0000-4000-8000-000000000000') // another organisation

    // 1500 calls: 1000 × 0.10 + 500 × 0.05 = 100.00 + 25.00 = 125.00; November's fee 100.00.
    const expected = (calls: number) => (Math.min(calls, 1000) * 10 + Math.max(calls - 1000, 0) * 5 + 10_000) / 100
    const first = await runRating(deps, { orgId, asOf: new Date('2026-11-01T06:00:00Z'), graceHours: 24 })
    expect(first.invoices).toMatchObject({ created: 2, finalized: 1 }) // the opening invoice's grace is long over
    expect(first.metricRuns).toBe(1)
    const list = async () => (await ledger.invoices.list(orgId, { contractId: contract.id })).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
    const [opening, firstOctober] = await list()
    let october = firstOctober
    expect(opening).toMatchObject({ billingDate: '2026-10-01', status: 'finalized', number: 1, total: '100.00' })
    expect(october).toMatchObject({ billingDate: '2026-11-01', status: 'draft', number: null, total: expected(1500).toFixed(2) })
    const lines = await ledger.invoices.lines(orgId, october!.id)
    expect(
      lines.filter((l) => l.timing === 'in_arrears').map((l) => [l.metricName, l.metricVersion, l.quantity, l.amount, l.periodStart, l.periodEnd]),
    ).toEqual([
      ['api_call_count', 1, '1000', '100.00', '2026-10-01', '2026-11-01'],
      ['api_call_count', 1, '500', '25.00', '2026-10-01', '2026-11-01'],
    ])
    expect(lines.find((l) => l.timing === 'in_advance')).toMatchObject({ amount: '100.00', periodStart: '2026-11-01', periodEnd: '2026-12-01' })

    // Re-running changes nothing.
    const again = await runRating(deps, { orgId, asOf: new Date('2026-11-01T07:00:00Z'), graceHours: 24 })
    expect(again.invoices).toMatchObject({ created: 0, updated: 0, unchanged: 1, alreadyFinal: 1 })
    expect(await list()).toHaveLength(2)

    // Late events inside the grace period re-rate the draft: 1510 calls → 125.50 + 100.00.
    await send('acme', 10, '2026-10-31')
    const late = await runRating(deps, { orgId, asOf: new Date('2026-11-01T20:00:00Z'), graceHours: 24 })
    expect(late.invoices.updated).toBe(1)
    ;[, october] = await list()
    expect(october!.total).toBe(expected(1510).toFixed(2))

    // After the grace period the next run finalizes with the next number.
    const closing = await runRating(deps, { orgId, asOf: new Date('2026-11-02T01:00:00Z'), graceHours: 24 })
    expect(closing.invoices.finalized).toBe(1)
    ;[, october] = await list()
    expect(october).toMatchObject({ status: 'finalized', number: 2, total: '225.50' })

    // Usage for October arriving after finalization: billed on December 1st as an adjustment
    // of 20 × 0.05 = 1.00 (all of it in the second tier), next to November's 7 calls (0.70)
    // and December's fee (100.00).
    await send('acme', 20, '2026-10-20')
    const december = await runRating(deps, { orgId, asOf: new Date('2026-12-01T01:00:00Z'), graceHours: 24 })
    expect(december.adjustments).toEqual([expect.objectContaining({ delta: '1.00', ofInvoice: october!.id })])
    const [, octoberAfter, dec] = await list()
    expect(octoberAfter!.total).toBe('225.50') // finalized invoices never change
    expect(dec).toMatchObject({ billingDate: '2026-12-01', status: 'draft', total: '101.70' })
    const decLines = await ledger.invoices.lines(orgId, dec!.id)
    expect(decLines.find((l) => l.timing === 'adjustment')).toMatchObject({ amount: '1.00', quantity: '20', periodStart: '2026-10-01', metricVersion: 1 })
  })
})
