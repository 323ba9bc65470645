// The catalogue, contract, invoice and rating routes through app.request() on the real app
// (a whole embedded Tally: chDB + PGlite, bootstrap organisation and key): products, plans and
// contracts created over the API, events in, POST /v1/rating/runs, then the invoice lifecycle,
// with every error path's status and stable code.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
type ErrorBody = { error: { code: string; message: string; details?: { field?: string; code: string }[] } }

beforeAll(async () => {
  h = await openHarness()
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
  await createApiCallCountMetric(h)
})
afterAll(async () => {
  await h?.close()
})

/** Asserts an error answer: status, stable code and (optionally) the first detail's field and code. */
async function expectError(
  res: Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
  detail?: { field: string; code?: string },
): Promise<ErrorBody> {
  const r = await res
  const body = r.body as ErrorBody
  expect({ status: r.status, code: body.error?.code }).toEqual({ status, code })
  if (detail) expect(body.error.details).toContainEqual(expect.objectContaining(detail))
  return body
}

const tiered = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '1000', unit_price: '0.10' },
    { up_to: null, unit_price: '0.05' },
  ],
}
const flat = (amount: string, currency = 'USD') => ({ model: 'flat_fee', currency, amount })
const ids = { api: '', platform: '', plan: '', contract: '', opening: '', november: '' }

describe('catalogue and contracts', () => {
  it('creates products and answers their errors', async () => {
    const api = await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })
    expect(api).toMatchObject({ status: 201, body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })
    const platform = await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })
    expect(platform.status).toBe(201)
    ids.api = api.body.id
    ids.platform = platform.body.id
    expect((await h.json('GET', `/v1/products/${ids.api}`)).body.name).toBe('API calls')
    expect((await h.json('GET', '/v1/products')).body.data).toHaveLength(2)

    await expectError(h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } }), 409, 'product_exists')
    await expectError(h.json('GET', `/v1/products/${randomUUID()}`), 404, 'product_not_found')
    await expectError(h.json('POST', '/v1/products', { body: { name: 'X', kind: 'sold' } }), 400, 'invalid_request', { field: 'kind', code: 'invalid_value' })
    await expectError(h.json('POST', '/v1/products', { body: '{"name": ' }), 400, 'invalid_json')
  })

  it('creates a plan; currency, billing and price-definition errors are 422 with the field', async () => {
    const items = [
      { product_id: ids.platform, billing: 'in_advance', price: flat('100.00') },
      { product_id: ids.api, billing: 'in_arrears', price: tiered },
    ]
    const plan = await h.json('POST', '/v1/plans', { body: { name: 'Pro', currency: 'USD', items, features: ['SSO'] } })
    expect(plan).toMatchObject({ status: 201, body: { name: 'Pro', currency: 'USD', features: ['SSO'] } })
    ids.plan = plan.body.id
    expect((await h.json('GET', '/v1/plans/Pro')).body.id).toBe(ids.plan) // by name too
    await expectError(h.json('GET', '/v1/plans/Enterprise'), 404, 'plan_not_found')
    await expectError(h.json('POST', '/v1/plans', { body: { name: 'Pro', currency: 'USD', items } }), 409, 'plan_exists')

    await expectError(
      h.json('POST', '/v1/plans', {
        body: { name: 'Euro', currency: 'USD', items: [{ product_id: ids.platform, billing: 'in_advance', price: flat('1.00', 'EUR') }] },
      }),
      422,
      'currency_mismatch',
      { field: 'items[0].price.currency', code: 'currency_mismatch' },
    )
    await expectError(
      h.json('POST', '/v1/plans', { body: { name: 'Ahead', currency: 'USD', items: [{ product_id: ids.api, billing: 'in_advance', price: tiered }] } }),
      422,
      'metered_in_advance',
      { field: 'items[0].billing', code: 'metered_in_advance' },
    )
    // The same answer as POST /v1/pricing/preview for the same bad tiers, with the full path.
    const overlapping = {
      model: 'tiered',
      currency: 'USD',
      tiers: [
        { up_to: '10', unit_price: '1' },
        { up_to: '5', unit_price: '1' },
        { up_to: null, unit_price: '1' },
      ],
    }
    await expectError(
      h.json('POST', '/v1/plans', { body: { name: 'Bad', currency: 'USD', items: [{ product_id: ids.api, price: overlapping }] } }),
      422,
      'invalid_price_definition',
      { field: 'items[0].price.tiers[1].up_to', code: 'tier_overlap' },
    )
    await expectError(
      h.json('POST', '/v1/plans', {
        body: { name: 'Bad', currency: 'USD', items: [{ product_id: ids.api, price: { model: 'per_unit', currency: 'USD', unit_price: 2 } }] },
      }),
      422,
      'invalid_price_definition',
      { field: 'items[0].price.unit_price', code: 'invalid_type' },
    )
    // A missing price is a shape problem, not a bad definition.
    await expectError(h.json('POST', '/v1/plans', { body: { name: 'Bad', currency: 'USD', items: [{ product_id: ids.api }] } }), 400, 'invalid_request', {
      field: 'items[0].price',
      code: 'invalid_type',
    })
    expect((await h.json('GET', '/v1/plans')).body.data).toHaveLength(1) // nothing stored by the failures
  })

  it('creates contracts from a plan (overrides recorded) or with phases, and refuses bad ones', async () => {
    const fromPlan = await h.json('POST', '/v1/contracts', {
      body: {
        customer: 'globex',
        plan: 'Pro',
        start_date: '2026-12-01',
        cadence: 'monthly',
        backdated_invoices: 'finalize',
        overrides: [{ product_id: ids.platform, price: flat('80.00') }],
      },
    })
    expect(fromPlan).toMatchObject({ status: 201, body: { customer: 'globex', plan_id: ids.plan, currency: 'USD', cadence: 'monthly', anchor_day: 1 } })
    expect(fromPlan.body.overrides).toEqual([{ product_id: ids.platform, field: 'price', plan_value: flat('100.00'), contract_value: flat('80.00') }])
    expect(fromPlan.body.phases[0].items.find((i: { product_id: string }) => i.product_id === ids.platform).price).toEqual(flat('80.00'))

    const phases = [
      {
        start_date: '2026-10-01',
        items: [
          { product_id: ids.platform, billing: 'in_advance', price: flat('100.00') },
          { product_id: ids.api, billing: 'in_arrears', price: tiered },
        ],
      },
    ]
    const contract = await h.json('POST', '/v1/contracts', {
      body: { customer: 'acme', name: 'Acme 2026', currency: 'USD', start_date: '2026-10-01', cadence: 'monthly', backdated_invoices: 'finalize', phases },
    })
    expect(contract).toMatchObject({ status: 201, body: { customer: 'acme', name: 'Acme 2026', time_zone: 'UTC', renewal: 'auto_renew' } })
    ids.contract = contract.body.id
    expect((await h.json('GET', `/v1/contracts/${ids.contract}`)).body.id).toBe(ids.contract)
    expect((await h.json('GET', '/v1/contracts?customer=acme')).body.data.map((c: { id: string }) => c.id)).toEqual([ids.contract])

    const base = { customer: 'acme', currency: 'USD', start_date: '2026-10-01', cadence: 'monthly' }
    await expectError(h.json('POST', '/v1/contracts', { body: { ...base, customer: 'nobody', phases } }), 404, 'customer_not_found')
    await expectError(h.json('POST', '/v1/contracts', { body: { ...base, plan: 'Enterprise' } }), 404, 'plan_not_found')
    await expectError(h.json('GET', `/v1/contracts/${randomUUID()}`), 404, 'contract_not_found')
    await expectError(h.json('POST', '/v1/contracts', { body: { ...base, start_date: '2026-02-30', phases } }), 400, 'invalid_request', {
      field: 'start_date',
      code: 'invalid_date',
    })
    await expectError(h.json('POST', '/v1/contracts', { body: { ...base, cadence: 'weekly', phases } }), 400, 'invalid_request', {
      field: 'cadence',
      code: 'invalid_value',
    })
    await expectError(
      h.json('POST', '/v1/contracts', {
        body: { ...base, phases: [{ start_date: '2026-10-01', items: [{ product_id: ids.platform, price: flat('1.00', 'EUR') }] }] },
      }),
      422,
      'currency_mismatch',
      { field: 'phases[0].items[0].price.currency', code: 'currency_mismatch' },
    )
    await expectError(
      h.json('POST', '/v1/contracts', {
        body: {
          ...base,
          phases: [{ start_date: '2026-10-01', items: [{ product_id: ids.api, price: { ...tiered, tiers: [{ up_to: '10', unit_price: '1' }] } }] }],
        },
      }),
      422,
      'invalid_price_definition',
      { field: 'phases[0].items[0].price.tiers[0].up_to', code: 'last_tier_not_open' },
    )
    await expectError(
      h.json('POST', '/v1/contracts', {
        body: {
          customer: 'globex',
          plan: 'Pro',
          start_date: '2026-12-01',
          cadence: 'monthly',
          overrides: [{ product_id: ids.platform, price: { model: 'flat_fee', currency: 'USD' } }],
        },
      }),
      422,
      'invalid_price_definition',
      { field: 'overrides[0].price.amount' },
    )
    await expectError(
      h.json('POST', '/v1/contracts', {
        body: { ...base, phases: [{ start_date: '2026-10-01', items: [{ product_id: randomUUID(), price: flat('1.00') }] }] },
      }),
      422,
      'product_not_found',
    )
    await expectError(h.json('POST', `/v1/contracts/${randomUUID()}/phases`, { body: phases[0] }), 404, 'contract_not_found')
    expect((await h.json('GET', '/v1/contracts')).body.data).toHaveLength(2)
  })
})

describe('rating and the invoice lifecycle', () => {
  it('rates October over the API: 1500 calls → 1000 × 0.10 + 500 × 0.05 = 125.00, plus 100.00 in advance', async () => {
    const events = Array.from({ length: 1500 }, (_, i) => ({
      raw_metric: 'api_calls',
      customer_id: 'acme',
      timestamp: `2026-10-${String(1 + (i % 30)).padStart(2, '0')} 12:00:00.000`,
      event_id: `oct-${i}`,
      data: {},
    }))
    const sent = await h.json('POST', '/v1/events', { body: events })
    expect(sent.status).toBe(202)

    await expectError(h.json('POST', '/v1/rating/runs', { body: { period: '2026-13' } }), 400, 'invalid_request', { field: 'period', code: 'invalid_format' })
    await expectError(h.json('POST', '/v1/rating/runs', { body: { as_of: 'yesterday' } }), 400, 'invalid_request')

    // As of Nov 1st 06:00 UTC with the default 72 h grace: the opening invoice (Oct 1st) is
    // past its grace and finalized; November's is a draft.
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-01T06:00:00Z' } })
    expect(run.status).toBe(200)
    expect(run.body).toMatchObject({
      as_of: '2026-11-01T06:00:00.000Z',
      contracts: 2,
      contracts_rated: 1,
      metric_runs: 1,
      invoices: { created: 2, finalized: 1 },
      totals: { USD: '325.00' },
      skipped: [],
    })
    // The summary is snake_case like every other answer: no camelCase key at any depth.
    expect(JSON.stringify(run.body)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/)

    const list = await h.json('GET', `/v1/invoices?contract_id=${ids.contract}`)
    const byDate = Object.fromEntries(list.body.data.map((i: { billing_date: string }) => [i.billing_date, i]))
    expect(byDate['2026-10-01']).toMatchObject({ status: 'finalized', number: 1, total: '100.00', currency: 'USD' })
    expect(byDate['2026-11-01']).toMatchObject({ status: 'draft', number: null, total: '225.00', due_date: '2026-12-01' })
    ids.opening = byDate['2026-10-01'].id
    ids.november = byDate['2026-11-01'].id
    expect((await h.json('GET', '/v1/invoices?status=draft')).body.data.map((i: { id: string }) => i.id)).toEqual([ids.november])
    await expectError(h.json('GET', '/v1/invoices?status=open'), 400, 'invalid_request', { field: 'status', code: 'invalid_value' })
    // A period filter: billing dates from/to, both inclusive.
    const billed = async (q: string) => (await h.json('GET', `/v1/invoices?${q}`)).body.data.map((i: { id: string }) => i.id).sort()
    expect(await billed('billing_from=2026-11-01')).toEqual([ids.november])
    expect(await billed('billing_to=2026-10-01')).toEqual([ids.opening])
    expect(await billed('billing_from=2026-10-01&billing_to=2026-11-01')).toEqual([ids.opening, ids.november].sort())
    expect(await billed('billing_from=2026-10-02&billing_to=2026-10-31')).toEqual([])
    await expectError(h.json('GET', '/v1/invoices?billing_from=October'), 400, 'invalid_request', { field: 'billing_from' })

    // The same run again changes nothing.
    const again = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-01T07:00:00Z', contract_id: ids.contract } })
    expect(again.body).toMatchObject({ invoices: { created: 0, updated: 0, unchanged: 1, already_final: 1 }, totals: {} })
  })

  it('shows, explains and renders an invoice', async () => {
    const inv = await h.json('GET', `/v1/invoices/${ids.november}`)
    expect(inv.status).toBe(200)
    expect(
      inv.body.lines.map((l: { timing: string; quantity: string; amount: string; metric: unknown }) => [l.timing, l.quantity, l.amount, l.metric]),
    ).toEqual([
      ['in_arrears', '1000', '100.00', { name: 'api_call_count', version: 1 }],
      ['in_arrears', '500', '25.00', { name: 'api_call_count', version: 1 }],
      ['in_advance', '1', '100.00', null],
    ])
    expect(inv.body.balance).toMatchObject({ credited: '0.00', paid: '0.00', due: '225.00' })

    const explain = await h.json('GET', `/v1/invoices/${ids.november}/explain`)
    expect(explain.body).toMatchObject({ invoice_id: ids.november, total: '225.00', rederived: { total: '225.00', matches: true } })
    expect(explain.body.lines[0]).toMatchObject({ metric: 'api_call_count', metric_version: 1, period_start: '2026-10-01', period_end: '2026-11-01' })
    expect(explain.body.lines[0].price_version).toMatch(/^[0-9a-f]{16}$/) // the first 16 hex digits of the sha256

    const html = await h.request('GET', `/v1/invoices/${ids.november}/html`)
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await html.text()
    expect(page).toContain('225.00 USD')
    expect(page).toContain('acme')
    expect(page).toContain('api_call_count v1')

    for (const path of ['', '/explain', '/html']) await expectError(h.json('GET', `/v1/invoices/${randomUUID()}${path}`), 404, 'invoice_not_found')
    await expectError(h.json('GET', '/v1/invoices/not-a-uuid'), 404, 'invoice_not_found')
  })

  it('finalizes, credits, takes payments and voids, refusing what the state does not allow', async () => {
    const draft = ids.november
    await expectError(h.json('POST', `/v1/invoices/${draft}/credit-notes`, { body: { reason: 'billing_error' } }), 409, 'invoice_not_creditable')
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '1.00', paid_on: '2026-11-05', method: 'card' } }),
      409,
      'invoice_not_payable',
    )
    await expectError(h.json('POST', `/v1/invoices/${draft}/void`, { body: { reason: 'oops' } }), 409, 'invoice_not_voidable')
    await expectError(h.json('POST', `/v1/invoices/${randomUUID()}/finalize`), 404, 'invoice_not_found')

    const fin = await h.json('POST', `/v1/invoices/${draft}/finalize`)
    expect(fin.body).toMatchObject({ status: 'finalized', number: 2, total: '225.00' })
    expect((await h.json('POST', `/v1/invoices/${draft}/finalize`)).body.number).toBe(2) // idempotent
    // Final invoices never change: a later run leaves it, a phase inside its period is refused.
    const rerun = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-01T08:00:00Z', contract_id: ids.contract } })
    expect(rerun.body.invoices).toMatchObject({ created: 0, updated: 0, already_final: 2 })
    await expectError(
      h.json('POST', `/v1/contracts/${ids.contract}/phases`, {
        body: { start_date: '2026-10-15', items: [{ product_id: ids.platform, billing: 'in_advance', price: flat('1.00') }] },
      }),
      422,
      'phase_in_billed_period',
      { field: 'start_date', code: 'phase_in_billed_period' },
    )

    // Credit notes: per line, never beyond a line or the invoice.
    const lines = (await h.json('GET', `/v1/invoices/${draft}`)).body.lines as { id: string; amount: string }[]
    const tier2 = lines[1]!.id // 25.00
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/credit-notes`, { body: { reason: 'billing_error', lines: [{ invoice_line_id: tier2, amount: '25.01' }] } }),
      422,
      'credit_exceeds_line',
      { field: 'lines[0]', code: 'credit_exceeds_line' },
    )
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/credit-notes`, { body: { reason: 'billing_error', lines: [{ invoice_line_id: randomUUID(), amount: '1.00' }] } }),
      422,
      'invoice_line_not_found',
    )
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/credit-notes`, { body: { reason: 'because', lines: [{ invoice_line_id: tier2, amount: '1.00' }] } }),
      400,
      'invalid_request',
      { field: 'reason', code: 'invalid_value' },
    )
    const note = await h.json('POST', `/v1/invoices/${draft}/credit-notes`, {
      body: { reason: 'billing_error', memo: 'tier 2 discount', lines: [{ invoice_line_id: tier2, amount: '5.00' }] },
    })
    expect(note).toMatchObject({
      status: 201,
      body: { number: 1, reason: 'billing_error', total: '5.00', lines: [{ invoice_line_id: tier2, amount: '5.00' }] },
    })
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/credit-notes`, { body: { reason: 'billing_error', lines: [{ invoice_line_id: tier2, amount: '20.01' }] } }),
      422,
      'credit_exceeds_line',
    )

    // Payments: 225.00 − 5.00 credited = 220.00 due.
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '220.01', paid_on: '2026-11-05', method: 'card' } }),
      422,
      'overpayment',
      { field: 'amount', code: 'overpayment' },
    )
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '10.00', currency: 'EUR', paid_on: '2026-11-05', method: 'card' } }),
      422,
      'currency_mismatch',
      { field: 'currency', code: 'currency_mismatch' },
    )
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '10.001', paid_on: '2026-11-05', method: 'card' } }),
      422,
      'invalid_amount',
    )
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: 10, paid_on: '2026-11-05', method: 'card' } }),
      400,
      'invalid_request',
      { field: 'amount' },
    )
    const part = await h.json('POST', `/v1/invoices/${draft}/payments`, {
      body: { amount: '120.00', paid_on: '2026-11-05', method: 'bank_transfer', reference: 'TX-1' },
    })
    expect(part).toMatchObject({ status: 201, body: { amount: '120.00', currency: 'USD', method: 'bank_transfer', reference: 'TX-1' } })
    const partly = await h.json('GET', `/v1/invoices/${draft}`)
    expect(partly.body).toMatchObject({ status: 'finalized', balance: { credited: '5.00', paid: '120.00', due: '100.00' } })
    await expectError(h.json('POST', `/v1/invoices/${draft}/void`, { body: { reason: 'oops' } }), 409, 'invoice_has_payments')
    await h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '100.00', paid_on: '2026-11-06', method: 'card' } })
    const paid = await h.json('GET', `/v1/invoices/${draft}`)
    expect(paid.body).toMatchObject({ status: 'paid', balance: { due: '0.00' } })
    expect(paid.body.credit_notes).toHaveLength(1)
    expect(paid.body.payments).toHaveLength(2)
    await expectError(h.json('POST', `/v1/invoices/${draft}/void`, { body: { reason: 'oops' } }), 409, 'invoice_not_voidable')
    await expectError(
      h.json('POST', `/v1/invoices/${draft}/payments`, { body: { amount: '1.00', paid_on: '2026-11-07', method: 'card' } }),
      409,
      'invoice_not_payable',
    )

    // Void the opening invoice (finalized, unpaid): its number stays used.
    await expectError(h.json('POST', `/v1/invoices/${ids.opening}/void`, { body: {} }), 400, 'invalid_request', { field: 'reason' })
    const voided = await h.json('POST', `/v1/invoices/${ids.opening}/void`, { body: { reason: 'issued in error' } })
    expect(voided.body).toMatchObject({ status: 'void', number: 1, void_reason: 'issued in error' })
    await expectError(
      h.json('POST', `/v1/invoices/${ids.opening}/payments`, { body: { amount: '1.00', paid_on: '2026-11-07', method: 'card' } }),
      409,
      'invoice_not_payable',
    )
    await expectError(h.json('POST', `/v1/invoices/${ids.opening}/credit-notes`, { body: { reason: 'duplicate' } }), 409, 'invoice_not_creditable')
    await expectError(h.json('POST', `/v1/invoices/${randomUUID()}/credit-notes`, { body: { reason: 'duplicate' } }), 404, 'invoice_not_found')
    await expectError(
      h.json('POST', `/v1/invoices/${randomUUID()}/payments`, { body: { amount: '1.00', paid_on: '2026-11-07', method: 'card' } }),
      404,
      'invoice_not_found',
    )
    await expectError(h.json('POST', `/v1/invoices/${randomUUID()}/void`, { body: { reason: 'x' } }), 404, 'invoice_not_found')
  })

  it("keeps organisations apart: another org's key sees none of it", async () => {
    const org = await h.json('POST', '/v1/organisations', { headers: { authorization: `Bearer ${h.tally.adminToken}` }, body: { name: 'Other' } })
    expect(org.status).toBe(201)
    const key = await h.json('POST', `/v1/organisations/${org.body.id}/api-keys`, {
      headers: { authorization: `Bearer ${h.tally.adminToken}` },
      body: { name: 'k' },
    })
    const other = { authorization: `Bearer ${key.body.secret}` }
    await expectError(h.json('GET', `/v1/invoices/${ids.november}`, { headers: other }), 404, 'invoice_not_found')
    await expectError(h.json('GET', `/v1/contracts/${ids.contract}`, { headers: other }), 404, 'contract_not_found')
    expect((await h.json('GET', '/v1/invoices', { headers: other })).body.data).toEqual([])
  })
})
