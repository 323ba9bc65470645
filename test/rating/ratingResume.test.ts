// A rating run stopped half-way and run again ends where one clean run ends (issue 20): the same
// invoices, statuses, gap-free numbers, totals and lines, contract by contract. The stop is the
// run's signal, between two contracts; a process killed inside a contract loses that contract's
// transaction whole (each contract is one transaction under its row lock), which is the same
// state as a stop before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import { fixedClock } from '../../platform/clock.ts'
import { runRating, type RatingDeps } from '../../rating/execute/ratingRun.ts'
import { eventRow } from '../support/eventRows.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { createApiCallCount, openMeteredLedger, type MeteredLedger } from '../support/meteredLedger.ts'
import { testNow } from '../support/testLedger.ts'

const CONTRACTS = 12
const AS_OF = new Date('2026-11-02T06:00:00Z')
let engines: MeteredLedger
let ledger: Ledger
let deps: RatingDeps
let seq = 0

/** An organisation with CONTRACTS contracts (fee in advance, tiered calls in arrears) and October usage: customer i made i × 150 calls. */
async function organisation(name: string): Promise<string> {
  const orgId = (await ledger.organisations.create({ now: testNow(), name })).id
  await createApiCallCount(engines, orgId)
  const api = await ledger.products.create({ now: testNow(), orgId, name: 'API calls', kind: 'metered', metricName: 'api_call_count', metricVersion: 1 })
  const fee = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
  for (let i = 0; i < CONTRACTS; i++) {
    const customer = `cust-${i}`
    await ledger.customers.create({ now: testNow(), orgId, externalId: customer, name: customer })
    await ledger.contracts.create(feeAndTieredCalls({ orgId, customer, feeId: fee.id, apiId: api.id, firstTier: '1000' }))
    const rows = Array.from({ length: i * 150 }, (_, k) =>
      eventRow({
        org_id: orgId,
        raw_metric: 'api_calls',
        customer_id: customer,
        event_id: `r${++seq}`,
        timestamp: `2026-10-${String((k % 28) + 1).padStart(2, '0')} 12:00:00.000`,
        data: '{}',
      }),
    )
    if (rows.length > 0) await engines.writer.write(rows)
  }
  return orgId
}

/** Per contract (by customer), its invoices in billing order: what a run leaves behind. */
async function outcome(orgId: string) {
  const contracts = await ledger.contracts.list({ orgId, limit: 1000 })
  const out: Record<string, unknown[]> = {}
  for (const c of contracts) {
    const invoices = (await ledger.invoices.list(orgId, { contractId: c.id })).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
    out[c.customerExternalId] = await Promise.all(
      invoices.map(async (inv) => ({
        billingDate: inv.billingDate,
        status: inv.status,
        total: inv.total,
        lines: (await ledger.invoices.lines(orgId, inv.id)).map((l) => [l.timing, l.quantity, l.amount, l.periodStart, l.periodEnd]),
      })),
    )
  }
  return out
}

/** Invoice numbers in the order they were given: gap-free in both runs. */
async function numbers(orgId: string): Promise<number[]> {
  return (await ledger.invoices.list(orgId, {}))
    .map((i) => i.number)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b)
}

beforeAll(async () => {
  engines = await openMeteredLedger('tally-rating-resume-')
  ledger = engines.ledger
  deps = { ledger, quantities: engines.services.quantities, clock: fixedClock('2026-11-02T06:00:00Z') }
})
afterAll(async () => {
  await engines?.close()
})

describe('a stopped rating run, run again', () => {
  it('ends as one clean run: same invoices, totals, lines and gap-free numbers', async () => {
    const clean = await organisation('clean')
    const resumed = await organisation('resumed')
    const cleanRun = await runRating(deps, { orgId: clean, asOf: AS_OF, graceHours: 24, pageSize: 5 })
    expect(cleanRun.interrupted).toBeUndefined()

    const stop = new AbortController()
    const firstHalf = await runRating(deps, {
      orgId: resumed,
      asOf: AS_OF,
      graceHours: 24,
      pageSize: 5,
      signal: stop.signal,
      onProgress: (p) => (p.contracts >= 5 && p.invoices >= 2 * 7 ? stop.abort() : undefined),
    })
    expect(firstHalf.interrupted).toBe(true)
    expect(firstHalf.contractsRated).toBe(7)
    const rest = await runRating(deps, { orgId: resumed, asOf: AS_OF, graceHours: 24, pageSize: 5 })
    // The second run creates only what the first did not; what the first wrote it finds unchanged or final.
    expect(firstHalf.invoices.created + rest.invoices.created).toBe(cleanRun.invoices.created)
    expect(firstHalf.invoices.created).toBeGreaterThan(0)

    const expected = await outcome(clean)
    expect(Object.keys(expected)).toHaveLength(CONTRACTS)
    expect(await outcome(resumed)).toEqual(expected)
    expect(await numbers(resumed)).toEqual(await numbers(clean))
    expect(await numbers(clean)).toEqual(Array.from({ length: 2 * CONTRACTS }, (_, i) => i + 1))
  })
})
