// The billing suite's custom-currency tests (issue 13 §2), registered inside
// describeBillingSuite so they share its database on each driver.
import { expect, it } from 'vitest'
import { explainInvoice } from '../../rating/execute/explainInvoice.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { clock, fixedQuantities, type BillingSuiteContext } from './billingSuite.ts'
import { testNow } from '../support/testLedger.ts'

export function customCurrencyTests(ctx: BillingSuiteContext): void {
  it('bills a declared custom currency (CREDITS, 4 decimals) end to end: customer, plan, contract, invoice, payment (issue 13 §2)', async () => {
    const ledger = ctx.ledger()
    const { orgId, api, seats } = await ctx.setup()
    await ledger.currencies.create({ now: testNow(), orgId, code: 'CREDITS', name: 'Credits', precision: 4 })
    await ledger.customers.create({ now: testNow(), orgId, externalId: 'cr', name: 'Credit buyer', currency: 'CREDITS' })
    const plan = await ledger.plans.create({
      now: testNow(),
      orgId,
      name: 'Credits plan',
      currency: 'CREDITS',
      items: [
        { product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'CREDITS', unit_price: '0.00125' } },
        // The inline form still works when it agrees with the declaration.
        {
          product_id: seats.id,
          billing: 'in_advance',
          price: { model: 'per_unit', currency: { code: 'CREDITS', precision: 4 }, unit_price: '0.33333', prorate: false },
        },
      ],
    })
    expect(plan.currency).toBe('CREDITS')
    // The contract takes the customer's (and plan's) currency.
    const contract = await ledger.contracts.create({
      now: testNow(),
      orgId,
      customer: 'cr',
      plan: 'Credits plan',
      startDate: '2026-10-01',
      cadence: 'monthly',
      backdatedInvoices: 'finalize',
    })
    expect(contract.currency).toBe('CREDITS')
    const summary = await runRating(
      { ledger, quantities: fixedQuantities(new Map([['cr', '1234']])), clock },
      { orgId, asOf: new Date('2026-11-03T00:00:00Z'), graceHours: 24 },
    )
    expect(summary.invoices).toMatchObject({ created: 2, finalized: 2 })
    expect(summary.skipped).toEqual([])
    const [opening, november] = (await ledger.invoices.list(orgId, { contractId: contract.id })).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
    // Seats in advance: 5 × 0.33333 = 1.66665 → 1.6667 (half-up at CREDITS' 4 decimals; USD would say 1.67).
    expect(opening).toMatchObject({ billingDate: '2026-10-01', currency: 'CREDITS', total: '1.6667', status: 'finalized' })
    // 2026-11-01: October usage 1234 units × 0.00125 CREDITS = 1.5425 CREDITS (exact), plus
    // November seats 1.6667 → 3.2092 CREDITS.
    expect(november).toMatchObject({ billingDate: '2026-11-01', currency: 'CREDITS', total: '3.2092', status: 'finalized' })
    const lines = await ledger.invoices.lines(orgId, november!.id)
    expect(lines.map((l) => [l.timing, l.quantity, l.amount])).toEqual([
      ['in_arrears', '1234', '1.5425'],
      ['in_advance', '5', '1.6667'],
    ])
    // 1.6667 + 3.2092 = 4.8759, in CREDITS' minor units.
    expect(summary.totals).toEqual({ CREDITS: '4.8759' })
    // The rating record re-derives the invoice without the organisation's table.
    const explained = explainInvoice(await ledger.invoices.get(orgId, november!.id), lines)
    expect(explained.rederived).toEqual({ total: '3.2092', matches: true })
    expect(await ledger.invoices.balance(orgId, november!.id)).toEqual({ total: '3.2092', credited: '0.0000', paid: '0.0000', due: '3.2092' })

    // Finer than a CREDITS minor unit (0.0001) is refused, for payments and credit notes alike.
    await expect(
      ledger.payments.record({ orgId, invoiceId: november!.id, amount: '0.00001', paidOn: '2026-11-10', method: 'other', now: clock.now() }),
    ).rejects.toMatchObject({ category: 'unprocessable', code: 'invalid_amount', details: [expect.objectContaining({ field: 'amount' })] })
    await expect(
      ledger.creditNotes.create({
        orgId,
        invoiceId: november!.id,
        reason: 'other',
        lines: [{ invoiceLineId: lines[0]!.id, amount: '0.00001' }],
        now: clock.now(),
      }),
    ).rejects.toMatchObject({ code: 'invalid_amount' })
    await ledger.creditNotes.create({
      orgId,
      invoiceId: november!.id,
      reason: 'billing_error',
      lines: [{ invoiceLineId: lines[0]!.id, amount: '0.0425' }],
      now: clock.now(),
    })
    // 3.2092 − 0.0425 credited = 3.1667 due, paid exactly.
    await ledger.payments.record({
      orgId,
      invoiceId: november!.id,
      amount: '3.1667',
      currency: 'CREDITS',
      paidOn: '2026-11-10',
      method: 'other',
      now: clock.now(),
    })
    expect(await ledger.invoices.balance(orgId, november!.id)).toEqual({ total: '3.2092', credited: '0.0425', paid: '3.1667', due: '0.0000' })
    expect(await ledger.invoices.get(orgId, november!.id)).toMatchObject({ status: 'paid' })
  })

  it("refuses undeclared codes for plans and contracts alike, another organisation's declaration, and an inline precision that disagrees (issue 13 §2)", async () => {
    const ledger = ctx.ledger()
    const { orgId, api } = await ctx.setup('USD', ['u1'])
    const other = await ctx.setup('USD', ['o1'])
    await ledger.currencies.create({ now: testNow(), orgId, code: 'CREDITS', name: 'Credits', precision: 4 })
    const creditsPrice = { model: 'per_unit', currency: 'CREDITS', unit_price: '0.00125' }
    const invalid = {
      category: 'unprocessable',
      code: 'invalid_currency',
      details: [expect.objectContaining({ field: 'currency', code: 'invalid_currency' })],
    }
    await expect(
      ledger.plans.create({
        now: testNow(),
        orgId,
        name: 'XYZ',
        currency: 'XYZ',
        items: [{ product_id: api.id, billing: 'in_arrears', price: { ...creditsPrice, currency: 'USD' } }],
      }),
    ).rejects.toMatchObject(invalid)
    await expect(
      ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'u1',
        currency: 'XYZ',
        startDate: '2026-10-01',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        phases: [{ start_date: '2026-10-01', items: [{ product_id: api.id, billing: 'in_arrears', price: { ...creditsPrice, currency: 'USD' } }] }],
      }),
    ).rejects.toMatchObject(invalid)
    // Another organisation's CREDITS is not this one's: the plan's currency, then a price's.
    await expect(
      ledger.plans.create({
        now: testNow(),
        orgId: other.orgId,
        name: 'Theirs',
        currency: 'CREDITS',
        items: [{ product_id: other.api.id, billing: 'in_arrears', price: creditsPrice }],
      }),
    ).rejects.toMatchObject(invalid)
    await expect(
      ledger.contracts.create({
        now: testNow(),
        orgId: other.orgId,
        customer: 'o1',
        startDate: '2026-10-01',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        phases: [{ start_date: '2026-10-01', items: [{ product_id: other.api.id, billing: 'in_arrears', price: creditsPrice }] }],
      }),
    ).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [expect.objectContaining({ field: 'phases[0].items[0].price.currency', code: 'invalid_currency' })],
    })
    await expect(
      ledger.contracts.create({
        now: testNow(),
        orgId: other.orgId,
        customer: 'o1',
        currency: 'CREDITS',
        startDate: '2026-10-01',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        phases: [{ start_date: '2026-10-01', items: [{ product_id: other.api.id, billing: 'in_arrears', price: { ...creditsPrice, currency: 'USD' } }] }],
      }),
    ).rejects.toMatchObject(invalid)
    // An inline unit must agree with the declaration of its code (two precisions would round one invoice two ways).
    await expect(
      ledger.plans.create({
        now: testNow(),
        orgId,
        name: 'Two precisions',
        currency: 'CREDITS',
        items: [{ product_id: api.id, billing: 'in_arrears', price: { ...creditsPrice, currency: { code: 'CREDITS', precision: 2 } } }],
      }),
    ).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [expect.objectContaining({ field: 'items[0].price.currency', code: 'invalid_currency' })],
    })
    expect(await ledger.plans.list(orgId, { limit: 10 })).toEqual({ items: [], next: null })
    expect(await ledger.plans.list(other.orgId, { limit: 10 })).toEqual({ items: [], next: null })
    expect(await ledger.contracts.list({ orgId: other.orgId })).toEqual([])
  })
}
