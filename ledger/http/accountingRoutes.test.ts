// The accounting endpoints (accountingRoutes.ts) and the trial balance, in-process over PGlite
// with a fixed clock (accountingTestApp.ts). Entries are posted through the
// journal repository; a refused request is shown to write nothing.
import { describe, expect, it } from 'vitest'
import type { JournalEntryDraft } from '../accounting/compute/journalDraft.ts'
import { journalLine as line } from '../accounting/journalLineFixture.ts'
import { useAccountingApp } from './accountingTestApp.ts'
import { testNow } from '../../test/support/testLedger.ts'

const t = useAccountingApp()
const { call, newOrg } = t

describe('the chart of accounts', () => {
  it('lists the seeded chart, adds an account, maps a product to it; an unknown account is 422 and maps nothing', async () => {
    const { orgId, seats } = await newOrg()
    const chart = await call(orgId, 'GET', '/v1/accounting/accounts')
    expect(chart.status).toBe(200)
    expect(chart.body.data.map((a: { code: string }) => a.code)).toEqual([
      '1000',
      '1100',
      '1150',
      '2100',
      '2200',
      '2300',
      '4000',
      '4100',
      '4200',
      '4900',
      '6900',
    ])
    expect(chart.body.data[1]).toEqual({
      code: '1100',
      name: 'Accounts receivable',
      type: 'asset',
      role: 'accounts_receivable',
      archived_at: null,
      created_at: expect.stringMatching(/Z$/),
      seeded: true,
    })

    const created = await call(orgId, 'POST', '/v1/accounting/accounts', {
      code: '4050',
      name: 'Support revenue',
      type: 'revenue',
      role: 'revenue_subscription',
    })
    expect(created).toMatchObject({ status: 201, body: { code: '4050', name: 'Support revenue', type: 'revenue', role: 'revenue_subscription' } })
    expect(await call(orgId, 'POST', '/v1/accounting/accounts', { code: '4050', name: 'Again', type: 'revenue' })).toMatchObject({
      status: 409,
      body: { error: { code: 'account_exists' } },
    })
    expect(await call(orgId, 'POST', '/v1/accounting/accounts', { code: '4060', name: 'x', type: 'income' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'type' }] } },
    })

    const unknown = await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '4999' })
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'account_not_found', details: [{ field: 'account_code' }] } } })
    expect((await call(orgId, 'GET', '/v1/accounting/accounts')).body.product_revenue_accounts).toEqual([])

    const mapped = await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '4050', method: 'ratable_monthly' })
    expect(mapped).toEqual(
      expect.objectContaining({ status: 200, body: { product_id: seats, account_code: '4050', method: 'ratable_monthly', accrue_usage: false } }),
    )
    expect((await call(orgId, 'GET', '/v1/accounting/accounts')).body.product_revenue_accounts).toEqual([
      { product_id: seats, account_code: '4050', method: 'ratable_monthly', accrue_usage: false },
    ])
    // Usage accrued as consumed is for usage revenue only; refused, the mapping stays as it was.
    const accrueRatable = await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, {
      account_code: '4050',
      method: 'ratable_monthly',
      accrue_usage: true,
    })
    expect(accrueRatable).toMatchObject({ status: 422, body: { error: { code: 'accrue_usage_not_usage', details: [{ field: 'accrue_usage' }] } } })
    expect(await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '4050', accrue_usage: 'yes' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'accrue_usage' }] } },
    })
    expect((await call(orgId, 'GET', '/v1/accounting/accounts')).body.product_revenue_accounts).toEqual([
      { product_id: seats, account_code: '4050', method: 'ratable_monthly', accrue_usage: false },
    ])
    const accrued = await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '4100', method: 'usage', accrue_usage: true })
    expect(accrued).toMatchObject({ status: 200, body: { product_id: seats, account_code: '4100', method: 'usage', accrue_usage: true } })
    expect(
      (await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '4050', method: 'ratable_monthly' })).body,
    ).toMatchObject({
      accrue_usage: false,
    })
    expect(await call(orgId, 'PUT', `/v1/accounting/products/${seats}/revenue-account`, { account_code: '1100' })).toMatchObject({
      status: 422,
      body: { error: { code: 'account_not_revenue' } },
    })
    expect(await call(orgId, 'PUT', '/v1/accounting/products/nope/revenue-account', { account_code: '4050' })).toMatchObject({
      status: 404,
      body: { error: { code: 'product_not_found' } },
    })
  })
})

describe('the chart of a fresh organisation', () => {
  it('is read without writing: the default chart, unseeded, exactly as the first posting then seeds it', async () => {
    const { orgId, invoice } = await newOrg({ seedChart: false })
    const before = await call(orgId, 'GET', '/v1/accounting/accounts')
    expect(before.status).toBe(200)
    expect(before.body.data.map((a: { code: string; seeded: boolean; created_at: string | null }) => [a.code, a.seeded, a.created_at])).toEqual(
      ['1000', '1100', '1150', '2100', '2200', '2300', '4000', '4100', '4200', '4900', '6900'].map((code) => [code, false, null]),
    )
    expect(await t.ledger.accounts.list(orgId, { includeArchived: true })).toEqual([])

    // The first posting (finalizing the invoice) seeds the chart.
    await t.ledger.invoices.finalize(orgId, invoice.id, new Date('2026-10-01T09:00:00Z'))
    expect(await t.ledger.journals.list(orgId)).toHaveLength(1)
    const after = await call(orgId, 'GET', '/v1/accounting/accounts')
    const asSeeded = (a: Record<string, unknown>) => ({ ...a, seeded: true, created_at: expect.stringMatching(/Z$/) })
    expect(after.body.data).toEqual(before.body.data.map(asSeeded))
  })
})

describe('journal entries, the invoice trail and the trial balance', () => {
  it('filters entries, shows an invoice its entries in order, and balances to zero as of a date (JSON and CSV)', async () => {
    const { orgId, seats, billed, invoice } = await newOrg()
    const on = { invoiceId: invoice.id, customerId: billed.customerId }
    const post = (draft: JournalEntryDraft) => t.ledger.journals.post(draft, { at: testNow() })
    await post({
      orgId,
      source: { kind: 'invoice', key: invoice.id },
      postedOn: '2026-10-01',
      memo: 'invoice',
      lines: [line('1100', 'debit', '150.00', on), line('2100', 'credit', '100.00', { ...on, productId: seats }), line('4000', 'credit', '50.00', on)],
    })
    await post({
      orgId,
      source: { kind: 'payment', key: 'p1' },
      postedOn: '2026-10-15',
      memo: 'payment',
      lines: [line('1000', 'debit', '150.00', on), line('1100', 'credit', '150.00', on)],
    })
    await post({
      orgId,
      source: { kind: 'close', key: 'other' },
      postedOn: '2026-10-20',
      memo: 'no invoice',
      lines: [line('1000', 'debit', '1.00'), line('6900', 'credit', '1.00')],
    })

    const payments = await call(orgId, 'GET', '/v1/accounting/journal-entries?source_kind=payment')
    expect(payments.body.data).toHaveLength(1)
    expect(payments.body.data[0]).toMatchObject({ source_kind: 'payment', source_key: 'p1', dated_on: '2026-10-15', posted_on: '2026-10-15' })
    expect(payments.body.data[0].lines).toEqual([
      {
        position: 0,
        account: '1000',
        side: 'debit',
        amount: '150.00',
        currency: 'USD',
        customer_id: billed.customerId,
        contract_id: null,
        invoice_id: invoice.id,
        product_id: null,
        memo: null,
      },
      {
        position: 1,
        account: '1100',
        side: 'credit',
        amount: '150.00',
        currency: 'USD',
        customer_id: billed.customerId,
        contract_id: null,
        invoice_id: invoice.id,
        product_id: null,
        memo: null,
      },
    ])
    expect(
      (await call(orgId, 'GET', '/v1/accounting/journal-entries?from=2026-10-02&to=2026-10-16')).body.data.map((e: { source_key: string }) => e.source_key),
    ).toEqual(['p1'])
    expect(await call(orgId, 'GET', '/v1/accounting/journal-entries?source_kind=refund')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    })

    const trail = await call(orgId, 'GET', `/v1/invoices/${invoice.id}/journal`)
    expect(trail.body.data.map((e: { source_kind: string }) => e.source_kind)).toEqual(['invoice', 'payment'])
    const otherOrg = (await t.ledger.organisations.create({ now: testNow(), name: 'Other' })).id
    expect(await call(otherOrg, 'GET', `/v1/invoices/${invoice.id}/journal`)).toMatchObject({ status: 404, body: { error: { code: 'invoice_not_found' } } })

    const tb = await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?as_of=2026-10-10')
    expect(tb.body).toEqual({
      as_of: '2026-10-10',
      data: [
        { account: '1100', name: 'Accounts receivable', type: 'asset', currency: 'USD', debits: '150.00', credits: '0.00', balance: '150.00' },
        { account: '2100', name: 'Deferred revenue', type: 'liability', currency: 'USD', debits: '0.00', credits: '100.00', balance: '-100.00' },
        { account: '4000', name: 'Subscription revenue', type: 'revenue', currency: 'USD', debits: '0.00', credits: '50.00', balance: '-50.00' },
      ],
    })
    // Today (the clock's 2026-11-06) by default: AR is paid.
    const csv = await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?format=csv')
    expect(csv.status).toBe(200)
    expect(csv.type).toBe('text/csv; charset=utf-8')
    expect(csv.text).toBe(
      [
        'account,name,type,currency,debits,credits,balance',
        '1000,Cash / undeposited funds,asset,USD,151.00,0.00,151.00',
        '1100,Accounts receivable,asset,USD,150.00,150.00,0.00',
        '2100,Deferred revenue,liability,USD,0.00,100.00,-100.00',
        '4000,Subscription revenue,revenue,USD,0.00,50.00,-50.00',
        '6900,Rounding,expense,USD,0.00,1.00,-1.00',
        '',
      ].join('\r\n'),
    )
    expect(await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?as_of=2026-02-30')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    })
    expect(await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?format=xml')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    })
  })
})

describe('journal entries by pages', () => {
  it('pages by the cursor with `limit`, entries of one date and one instant neither skipped nor repeated; a cursor it did not give is refused', async () => {
    const { orgId } = await newOrg()
    // Five entries on one date, posted at one instant: only the id orders them.
    for (let i = 0; i < 5; i++) {
      await t.ledger.journals.post(
        {
          orgId,
          source: { kind: 'close', key: `k${i}` },
          postedOn: '2026-10-05',
          memo: `m${i}`,
          lines: [line('1000', 'debit', '1.00'), line('6900', 'credit', '1.00')],
        },
        { at: testNow() },
      )
    }
    const all = (await call(orgId, 'GET', '/v1/accounting/journal-entries')).body
    expect(all.next_cursor).toBeUndefined()
    const ids = all.data.map((e: { id: string }) => e.id)
    expect(ids).toHaveLength(5)
    const pages: string[][] = []
    let cursor: string | null = null
    do {
      const res = await call(orgId, 'GET', `/v1/accounting/journal-entries?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`)
      expect(res.status).toBe(200)
      pages.push(res.body.data.map((e: { id: string }) => e.id))
      cursor = res.body.next_cursor
    } while (cursor !== null)
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)])
    for (const bad of ['nope', Buffer.from(JSON.stringify(['2026-10-05|2026-11-06T09:00:00.000Z', 'not-a-uuid'])).toString('base64url')]) {
      expect(await call(orgId, 'GET', `/v1/accounting/journal-entries?limit=2&cursor=${bad}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_request' } },
      })
    }
    expect(await call(orgId, 'GET', '/v1/accounting/journal-entries?limit=0')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
  })
})

describe('accounting periods', () => {
  it('closes an ended month (recognising it), refuses a future or malformed one, and reopens only with a reason', async () => {
    const { orgId, seats, invoice } = await newOrg()
    await t.ledger.revenueSchedules.store({
      now: testNow(),
      orgId,
      invoiceId: invoice.id,
      invoiceLineId: invoice.lineIds[0]!,
      productId: seats,
      method: 'ratable_monthly',
      amount: '150.00',
      currency: 'USD',
      serviceStart: '2026-10-01',
      serviceEnd: '2026-12-01',
      lines: [
        { recogniseOn: '2026-10-31', amount: '75.00' },
        { recogniseOn: '2026-11-30', amount: '75.00' },
      ],
    })
    const before = await call(orgId, 'GET', '/v1/accounting/periods')
    expect(before.body).toEqual({ data: [], events: [] })

    const future = await call(orgId, 'POST', '/v1/accounting/periods/2026-11/close')
    expect(future).toMatchObject({ status: 422, body: { error: { code: 'period_not_ended', details: [{ field: 'period' }] } } })
    expect(await call(orgId, 'POST', '/v1/accounting/periods/2026-13/close')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'period' }] } },
    })
    expect((await call(orgId, 'GET', '/v1/accounting/periods')).body).toEqual(before.body)
    expect(await t.ledger.journals.list(orgId)).toEqual([])

    const closed = await call(orgId, 'POST', '/v1/accounting/periods/2026-10/close')
    expect(closed).toMatchObject({
      status: 200,
      body: {
        period: '2026-10',
        status: 'closed',
        closed_at: '2026-11-06T09:00:00.000Z',
        closed_by: 'api_key:key-1',
        recognised_lines: 1,
        entries_posted: 1,
        recognised: { USD: '75.00' },
        accruals_posted: 0,
        accrued: {},
        already_closed: false,
      },
    })
    expect(await call(orgId, 'POST', '/v1/accounting/periods/2026-10/close')).toMatchObject({
      status: 200,
      body: { status: 'closed', recognised: { USD: '75.00' }, already_closed: true },
    })

    expect(await call(orgId, 'POST', '/v1/accounting/periods/2026-10/reopen', {})).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'reason' }] } },
    })
    expect(await call(orgId, 'POST', '/v1/accounting/periods/2026-10/reopen', { reason: '  ' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', details: [{ field: 'reason', code: 'reason_required' }] } },
    })
    expect((await call(orgId, 'GET', '/v1/accounting/periods')).body.data).toEqual([
      { period: '2026-10', status: 'closed', closed_at: '2026-11-06T09:00:00.000Z', closed_by: 'api_key:key-1' },
    ])
    const reopened = await call(orgId, 'POST', '/v1/accounting/periods/2026-10/reopen', { reason: 'late usage' })
    expect(reopened).toEqual(expect.objectContaining({ status: 200, body: { period: '2026-10', status: 'open', closed_at: null, closed_by: null } }))
    expect((await call(orgId, 'GET', '/v1/accounting/periods')).body.events).toEqual([
      { period: '2026-10', action: 'close', reason: null, actor: 'api_key:key-1', at: '2026-11-06T09:00:00.000Z' },
      { period: '2026-10', action: 'reopen', reason: 'late usage', actor: 'api_key:key-1', at: '2026-11-06T09:00:00.000Z' },
    ])
  })
})
