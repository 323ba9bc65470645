// The accounting and report endpoints in-process (`app.request`) over PGlite, with the
// platform's real error handler, a fixed clock (2026-11-06) and a tiny middleware standing in
// for authentication, so statuses and error bodies are the ones clients get. Entries are posted
// through the journal repository; a refused request is shown to write nothing.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { billedCustomer, writeDrafts } from '../../test/support/invoiceFixtures.ts'
import { createTestLedger } from '../../test/support/testLedger.ts'
import { closePeriod } from '../accounting/closePeriod.ts'
import type { JournalLineDraft } from '../accounting/compute/journalDraft.ts'
import type { Ledger } from '../ledger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'
import { accountingRoutes } from './accountingRoutes.ts'
import { reportRoutes } from './reportRoutes.ts'

let dir: string
let handle: DatabaseHandle
let ledger: Ledger
let app: Hono<AppEnv>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-accounting-routes-'))
  handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  ledger = createTestLedger(handle.db)
  const clock = fixedClock('2026-11-06T09:00:00Z')
  app = new Hono<AppEnv>()
  app.onError(handleError(pino({ level: 'silent' })))
  app.use(async (c, next) => {
    c.set('principal', { kind: 'api_key', orgId: c.req.header('x-test-org') ?? null, keyId: 'key-1' })
    await next()
  })
  app.route('/', accountingRoutes({ ledger, clock, closePeriod: (input) => closePeriod({ db: handle.db }, input) }))
  app.route('/', reportRoutes({ ledger, clock }))
})
afterAll(async () => {
  await handle?.close()
  await rm(dir, { recursive: true, force: true })
})

async function call(org: string, method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', 'x-test-org': org } }
  if (body !== undefined) init.body = JSON.stringify(body)
  const res = await app.request(path, init)
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
  }
}

/** An organisation with the default chart, a product and a customer with one draft invoice. */
async function newOrg() {
  const orgId = (await ledger.organisations.create({ name: 'Accounting routes' })).id
  await ledger.accounts.seed(orgId)
  const seats = (await ledger.products.create({ orgId, name: 'Seats', kind: 'non_metered' })).id
  const billed = await billedCustomer(ledger, orgId, 'acme', seats)
  const [invoice] = await writeDrafts(ledger, {
    orgId,
    billed,
    productId: seats,
    drafts: [{ billingDate: '2026-10-01', dueDate: '2026-10-31', lines: ['150.00'], total: '150.00' }],
  })
  return { orgId, seats, billed, invoice: invoice! }
}

const line = (account: string, side: 'debit' | 'credit', amount: string, extra: Partial<JournalLineDraft> = {}): JournalLineDraft => ({
  account,
  side,
  amount,
  currency: 'USD',
  customerId: null,
  contractId: null,
  invoiceId: null,
  productId: null,
  memo: null,
  ...extra,
})

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
    expect(mapped).toEqual(expect.objectContaining({ status: 200, body: { product_id: seats, account_code: '4050', method: 'ratable_monthly' } }))
    expect((await call(orgId, 'GET', '/v1/accounting/accounts')).body.product_revenue_accounts).toEqual([
      { product_id: seats, account_code: '4050', method: 'ratable_monthly' },
    ])
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

describe('journal entries, the invoice trail and the trial balance', () => {
  it('filters entries, shows an invoice its entries in order, and balances to zero as of a date (JSON and CSV)', async () => {
    const { orgId, seats, billed, invoice } = await newOrg()
    const on = { invoiceId: invoice.id, customerId: billed.customerId }
    await ledger.journals.post({
      orgId,
      source: { kind: 'invoice', key: invoice.id },
      postedOn: '2026-10-01',
      memo: 'invoice',
      lines: [line('1100', 'debit', '150.00', on), line('2100', 'credit', '100.00', { ...on, productId: seats }), line('4000', 'credit', '50.00', on)],
    })
    await ledger.journals.post({
      orgId,
      source: { kind: 'payment', key: 'p1' },
      postedOn: '2026-10-15',
      memo: 'payment',
      lines: [line('1000', 'debit', '150.00', on), line('1100', 'credit', '150.00', on)],
    })
    await ledger.journals.post({
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
    const otherOrg = (await ledger.organisations.create({ name: 'Other' })).id
    expect(await call(otherOrg, 'GET', `/v1/invoices/${invoice.id}/journal`)).toMatchObject({ status: 404, body: { error: { code: 'invoice_not_found' } } })

    const tb = await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?as_of=2026-10-10')
    expect(tb.body).toEqual({
      as_of: '2026-10-10',
      data: [
        { account: '1100', name: 'Accounts receivable', type: 'asset', currency: 'USD', debits: '150.00', credits: '0', balance: '150.00' },
        { account: '2100', name: 'Deferred revenue', type: 'liability', currency: 'USD', debits: '0', credits: '100.00', balance: '-100.00' },
        { account: '4000', name: 'Subscription revenue', type: 'revenue', currency: 'USD', debits: '0', credits: '50.00', balance: '-50.00' },
      ],
    })
    // Today (the clock's 2026-11-06) by default: AR is paid.
    const csv = await call(orgId, 'GET', '/v1/accounting/reports/trial-balance?format=csv')
    expect(csv.status).toBe(200)
    expect(csv.type).toBe('text/csv; charset=utf-8')
    expect(csv.text).toBe(
      [
        'account,name,type,currency,debits,credits,balance',
        '1000,Cash / undeposited funds,asset,USD,151.00,0,151.00',
        '1100,Accounts receivable,asset,USD,150.00,150.00,0.00',
        '2100,Deferred revenue,liability,USD,0,100.00,-100.00',
        '4000,Subscription revenue,revenue,USD,0,50.00,-50.00',
        '6900,Rounding,expense,USD,0,1.00,-1.00',
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

describe('accounting periods', () => {
  it('closes an ended month (recognising it), refuses a future or malformed one, and reopens only with a reason', async () => {
    const { orgId, seats, invoice } = await newOrg()
    await ledger.revenueSchedules.store({
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
    expect(await ledger.journals.list(orgId)).toEqual([])

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

describe('reports', () => {
  it('answer the waterfall, revenue and AR aging as JSON and CSV, and refuse malformed queries', async () => {
    const { orgId, seats, billed, invoice } = await newOrg()
    const schedule = await ledger.revenueSchedules.store({
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

    await ledger.journals.post({
      orgId,
      source: { kind: 'invoice', key: 'i1' },
      postedOn: '2026-10-05',
      memo: 'usage',
      lines: [
        line('1100', 'debit', '45.30', { customerId: billed.customerId }),
        line('4100', 'credit', '45.30', { customerId: billed.customerId, productId: seats }),
      ],
    })
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

    await ledger.invoices.finalize(orgId, invoice.id, new Date('2026-10-01T10:00:00Z'))
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
