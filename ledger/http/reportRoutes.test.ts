// The report endpoints (reportRoutes.ts) in-process over PGlite with a fixed clock
// (accountingTestApp.ts): the waterfall, revenue and AR aging as JSON and CSV,
// and malformed queries refused with 400.
import { describe, expect, it } from 'vitest'
import { journalLine as line } from '../accounting/journalLineFixture.ts'
import { useAccountingApp } from './accountingTestApp.ts'
import { testNow } from '../../test/support/testLedger.ts'

const t = useAccountingApp()
const { call, newOrg } = t

describe('reports', () => {
  it('answer the waterfall, revenue and AR aging as JSON and CSV, and refuse malformed queries', async () => {
    const { orgId, seats, billed, invoice } = await newOrg()
    const schedule = await t.ledger.revenueSchedules.store({
      now: testNow(),
      orgId,
      invoiceId: invoice.id,
      invoiceLineId: invoice.lineIds[0]!,
      productId: seats,
      method: 'ratable_daily',
      amount: '150.00',
      currency: 'USD',
      serviceStart: '2026-10-16',
      serviceEnd: '2026-11-16',
      lines: [
        { recogniseOn: '2026-10-31', amount: '77.42' },
        { recogniseOn: '2026-11-15', amount: '72.58' },
      ],
    })
    const waterfall = await call(orgId, 'GET', '/v1/accounting/reports/deferred-revenue')
    expect(waterfall.body).toEqual({
      months: ['2026-10', '2026-11'],
      data: [
        {
          schedule_id: schedule.id,
          invoice_id: invoice.id,
          product_id: seats,
          product: 'Seats',
          method: 'ratable_daily',
          currency: 'USD',
          amount: '150.00',
          recognised: '0.00',
          deferred: '150.00',
          months: { '2026-10': '77.42', '2026-11': '72.58' },
        },
      ],
      totals: [{ currency: 'USD', amount: '150.00', recognised: '0.00', deferred: '150.00', months: { '2026-10': '77.42', '2026-11': '72.58' } }],
    })
    const waterfallCsv = await call(orgId, 'GET', '/v1/accounting/reports/deferred-revenue?format=csv&from=2026-11')
    expect(waterfallCsv.text).toBe(
      [
        'schedule_id,invoice_id,product_id,product,method,currency,amount,recognised,deferred,2026-11',
        `${schedule.id},${invoice.id},${seats},Seats,ratable_daily,USD,150.00,0.00,150.00,72.58`,
        'total,,,,,USD,150.00,0.00,150.00,72.58',
        '',
      ].join('\r\n'),
    )

    await t.ledger.journals.post(
      {
        orgId,
        source: { kind: 'invoice', key: 'i1' },
        postedOn: '2026-10-05',
        memo: 'usage',
        lines: [
          line('1100', 'debit', '45.30', { customerId: billed.customerId }),
          line('4100', 'credit', '45.30', { customerId: billed.customerId, productId: seats }),
        ],
      },
      { at: testNow() },
    )
    const byCustomer = await call(orgId, 'GET', '/v1/accounting/reports/revenue?from=2026-10-01&to=2026-10-31&group_by=customer')
    expect(byCustomer.body).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
      group_by: 'customer',
      data: [{ group: 'acme', name: 'acme Inc', currency: 'USD', revenue: '45.30' }],
    })
    const byMonthCsv = await call(orgId, 'GET', '/v1/accounting/reports/revenue?from=2026-10-01&to=2026-10-31&group_by=month&format=csv')
    expect(byMonthCsv.text).toBe('month,name,currency,revenue\r\n2026-10,,USD,45.30\r\n')
    expect(await call(orgId, 'GET', '/v1/accounting/reports/revenue?to=2026-10-31')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'from' }] } },
    })
    expect(await call(orgId, 'GET', '/v1/accounting/reports/revenue?from=2026-10-01&to=2026-10-31&group_by=plan')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'group_by' }] } },
    })

    await t.ledger.invoices.finalize(orgId, invoice.id, new Date('2026-10-01T10:00:00Z'))
    // Due 2026-10-31: on the clock's 2026-11-06 it is 6 days late.
    const aging = await call(orgId, 'GET', '/v1/accounting/reports/ar-aging')
    expect(aging.body).toEqual({
      as_of: '2026-11-06',
      data: [
        {
          customer_id: billed.customerId,
          customer: 'acme',
          customer_name: 'acme Inc',
          currency: 'USD',
          current: '0.00',
          days_1_30: '150.00',
          days_31_60: '0.00',
          days_61_90: '0.00',
          days_over_90: '0.00',
          total: '150.00',
        },
      ],
    })
    const agingCsv = await call(orgId, 'GET', '/v1/accounting/reports/ar-aging?as_of=2026-10-31&format=csv')
    expect(agingCsv.text).toBe(
      'customer_id,customer,customer_name,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total\r\n' +
        `${billed.customerId},acme,acme Inc,USD,150.00,0.00,0.00,0.00,0.00,150.00\r\n`,
    )
  })
})
