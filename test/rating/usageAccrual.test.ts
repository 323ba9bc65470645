// Usage recognised as consumed, end to end on the real engines: events into chDB → a stored
// billable metric → a contract in PGlite whose API product is mapped with accrue_usage → closing
// November through the ledger's close with rating's accrual job (as app/buildApi.ts wires it) →
// the rating run finalizes the invoice of 15 December, which reverses the accrual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePeriod } from '../../ledger/accounting/closePeriod.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { EventWriter } from '../../metering/eventWriter.ts'
import { fixedClock } from '../../platform/clock.ts'
import { Dec } from '../../platform/decimal.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { usageAccrualSource } from '../../rating/execute/usageAccrual.ts'
import { eventRow } from '../support/eventRows.ts'
import { createApiCallCount, openMeteredLedger, type MeteredLedger } from '../support/meteredLedger.ts'
import { testNow } from '../support/testLedger.ts'

let engines: MeteredLedger
let ledger: Ledger
let writer: EventWriter
let quantities: QuantitySource
let orgId: string
let seq = 0

async function send(count: number, day: string): Promise<void> {
  const rows = Array.from({ length: count }, () =>
    eventRow({ org_id: orgId, raw_metric: 'api_calls', customer_id: 'acme', event_id: `e${++seq}`, timestamp: `${day} 12:00:00.000`, data: '{}' }),
  )
  await writer.write(rows)
}

beforeAll(async () => {
  engines = await openMeteredLedger('tally-usage-accrual-')
  ;({ ledger, writer } = engines)
  quantities = engines.services.quantities
  orgId = (await ledger.organisations.create({ now: testNow(), name: 'Accrual' })).id
  await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
  await createApiCallCount(engines, orgId)
})

afterAll(async () => {
  await engines?.close()
})

describe('usage accrued as consumed', () => {
  it('closing November accrues 1,234 units × 0.10 once; the invoice of 15 December reverses it; a product without accrue_usage accrues nothing', async () => {
    const metered = { kind: 'metered' as const, metricName: 'api_call_count', metricVersion: 1 }
    const api = await ledger.products.create({ now: testNow(), orgId, name: 'API calls', ...metered })
    const audit = await ledger.products.create({ now: testNow(), orgId, name: 'Audit log', ...metered })
    const contract = await ledger.contracts.create({
      now: testNow(),
      orgId,
      customer: 'acme',
      currency: 'USD',
      startDate: '2026-11-15',
      cadence: 'monthly',
      backdatedInvoices: 'finalize',
      phases: [
        {
          start_date: '2026-11-15',
          items: [
            { product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.10' } },
            { product_id: audit.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.01' } },
          ],
        },
      ],
    })
    await ledger.accounts.ensureChart(orgId, testNow())
    await ledger.accounts.mapProduct({ now: testNow(), orgId, productId: api.id, accountCode: '4100', accrueUsage: true })
    await ledger.accounts.mapProduct({ now: testNow(), orgId, productId: audit.id, accountCode: '4100' })
    await send(50, '2026-11-10') // before the contract
    await send(1234, '2026-11-20')
    await send(500, '2026-12-05')
    await send(300, '2026-12-20') // the next period

    const accrueUsage = usageAccrualSource({ ledger, quantities })
    const close = (period: string, at: string) => closePeriod({ db: engines.db.db, accrueUsage }, { orgId, period, at: new Date(at) })
    const sides = (kind: 'accrual' | 'accrual_reversal') =>
      ledger.journals
        .list(orgId, { sourceKind: kind })
        .then((es) => es.map((e) => [e.source.key, e.postedOn, ...e.lines.map((l) => `${l.side === 'debit' ? 'Dr' : 'Cr'} ${l.account} ${l.amount}`)]))

    // November's period so far is [15 November, 1 December): 1,234 × 0.10 = 123.40.
    const november = await close('2026-11', '2026-12-02T08:00:00Z')
    expect(november.accruals).toEqual({ entries: 1, amounts: { USD: '123.40' } })
    const key = `${contract.id}:${api.id}:2026-11-30`
    expect(await sides('accrual')).toEqual([[key, '2026-11-30', 'Dr 1150 123.40', 'Cr 4100 123.40']])
    expect((await close('2026-11', '2026-12-03T08:00:00Z')).accruals).toEqual({ entries: 1, amounts: { USD: '123.40' } })
    expect(await sides('accrual')).toHaveLength(1)

    // The run of 19 December finalizes the invoice of 15 December (grace 72 hours):
    // API 1,734 × 0.10 = 173.40, audit log 1,734 × 0.01 = 17.34.
    const rated = await runRating(
      { ledger, quantities, clock: fixedClock('2026-12-19T09:00:00Z') },
      { orgId, asOf: new Date('2026-12-19T09:00:00Z'), graceHours: 72 },
    )
    expect(rated.invoices.finalized).toBe(1)
    const [invoice] = await ledger.invoices.list(orgId, { contractId: contract.id })
    expect(invoice).toMatchObject({ billingDate: '2026-12-15', status: 'finalized', total: '190.74' })
    const apiLine = (await ledger.invoices.lines(orgId, invoice!.id)).find((l) => l.productId === api.id)
    expect(apiLine).toMatchObject({ quantity: '1734', amount: '173.40', periodStart: '2026-11-15', periodEnd: '2026-12-15' })
    expect(await sides('accrual_reversal')).toEqual([[key, '2026-12-19', 'Cr 1150 123.40', 'Dr 4100 123.40']])

    // Unbilled receivable is back at zero; November earned 123.40 of the API usage and December
    // 173.40 − 123.40 = 50.00, together the invoice's API line; the audit log earned as billed.
    const unbilled = (await ledger.journals.trialBalance(orgId, '2026-12-31')).find((r) => r.account === '1150')
    expect(new Dec(unbilled!.balance).isZero()).toBe(true)
    const revenue = async (from: string, to: string) =>
      Object.fromEntries((await ledger.reports.revenue(orgId, { from, to, groupBy: 'product' })).map((r) => [r.name, r.revenue]))
    expect(await revenue('2026-11-01', '2026-11-30')).toEqual({ 'API calls': '123.40' })
    expect(await revenue('2026-12-01', '2026-12-31')).toEqual({ 'API calls': '50.00', 'Audit log': '17.34' })

    // December's end falls in the period [15 December, 15 January): 300 × 0.10 = 30.00 so far.
    expect((await close('2026-12', '2027-01-02T08:00:00Z')).accruals).toEqual({ entries: 1, amounts: { USD: '30.00' } })
  })
})
