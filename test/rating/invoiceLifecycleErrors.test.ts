// Every invoice lifecycle transition over HTTP (finalize, void, credit note, payment) from
// every state, table-driven: what is allowed answers 2xx; what is refused answers one status
// and one stable code per cause, a message and a hint saying what to do next, and changes
// nothing (the whole organisation's invoices, balances, credit notes and payments are compared
// before and after each refused call; a later finalize proves no invoice number was used up).
//
// The rule: asking for the state an invoice is already in is idempotent (200, unchanged);
// asking for a transition its state no longer allows is 409 with the operation's code
// (`invoice_not_finalizable`, `invoice_not_voidable`, `invoice_not_payable`,
// `invoice_not_creditable`) and a detail `{ field: 'status', code: 'invoice_<status>' }`;
// content that is impossible for the invoice (too much, wrong currency, ≤ 0) is 422 naming
// the field; a body of the wrong shape is 400; an id that is not this organisation's is 404.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

let h: Harness
type ErrorBody = { error: { code: string; message: string; hint?: string; details?: { field?: string; code: string; message: string }[] } }
type InvoiceJson = {
  id: string
  number: number | null
  status: string
  billing_date: string
  total: string
  voided_at: string | null
  lines: { id: string; amount: string }[]
}

/** Invoices by billing month: Jun…Oct finalized by the run, Nov a draft. */
const inv: Record<'jun' | 'jul' | 'aug' | 'sep' | 'oct' | 'nov', string> = { jun: '', jul: '', aug: '', sep: '', oct: '', nov: '' }
let otherOrgKey = ''

const flat = (amount: string) => ({ model: 'flat_fee', currency: 'USD', amount })
const perUnit = (unitPrice: string) => ({ model: 'per_unit', currency: 'USD', unit_price: unitPrice })
const pay = (amount: unknown, extra: Record<string, unknown> = {}) => ({ amount, paid_on: '2026-11-05', method: 'card', ...extra })

beforeAll(async () => {
  h = await openHarness()
  await seed(h, { rawMetrics: [], customers: ['acme'] })
  const platform = await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })
  const seats = await h.json('POST', '/v1/products', { body: { name: 'Seats', kind: 'non_metered', default_quantity: '5' } })
  // Each month: Platform 100.00 + Seats 5 × 10.00 = 50.00 → 150.00, billed in advance.
  const contract = await h.json('POST', '/v1/contracts', {
    body: {
      customer: 'acme',
      currency: 'USD',
      start_date: '2026-06-01',
      cadence: 'monthly',
      backdated_invoices: 'finalize',
      phases: [
        {
          start_date: '2026-06-01',
          items: [
            { product_id: platform.body.id, billing: 'in_advance', price: flat('100.00') },
            { product_id: seats.body.id, billing: 'in_advance', price: perUnit('10.00') },
          ],
        },
      ],
    },
  })
  if (contract.status !== 201) throw new Error(`contract: ${contract.status} ${JSON.stringify(contract.body)}`)
  // As of Nov 1st 06:00 UTC with the default 72 h grace: Jun…Oct are finalized (numbers 1-5), Nov is a draft.
  const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-01T06:00:00Z' } })
  if (run.status !== 200) throw new Error(`run: ${run.status} ${JSON.stringify(run.body)}`)
  const list = (await h.json('GET', '/v1/invoices')).body.data as InvoiceJson[]
  const byMonth = new Map(list.map((i) => [i.billing_date.slice(5, 7), i]))
  for (const [key, month] of [
    ['jun', '06'],
    ['jul', '07'],
    ['aug', '08'],
    ['sep', '09'],
    ['oct', '10'],
    ['nov', '11'],
  ] as const)
    inv[key] = byMonth.get(month)!.id
  expect(list.map((i) => [i.billing_date, i.status, i.number, i.total]).sort()).toEqual([
    ['2026-06-01', 'finalized', 1, '150.00'],
    ['2026-07-01', 'finalized', 2, '150.00'],
    ['2026-08-01', 'finalized', 3, '150.00'],
    ['2026-09-01', 'finalized', 4, '150.00'],
    ['2026-10-01', 'finalized', 5, '150.00'],
    ['2026-11-01', 'draft', null, '150.00'],
  ])

  // June void, July paid, August partly paid; September and October stay finalized and unpaid.
  expect((await h.json('POST', `/v1/invoices/${inv.jun}/void`, { body: { reason: 'issued in error' } })).status).toBe(200)
  expect((await h.json('POST', `/v1/invoices/${inv.jul}/payments`, { body: pay('150.00') })).status).toBe(201)
  expect((await h.json('POST', `/v1/invoices/${inv.aug}/payments`, { body: pay('20.00') })).status).toBe(201)

  const admin = { authorization: `Bearer ${h.tally.adminToken}` }
  const org = await h.json('POST', '/v1/organisations', { headers: admin, body: { name: 'Other' } })
  otherOrgKey = (await h.json('POST', `/v1/organisations/${org.body.id}/api-keys`, { headers: admin, body: { name: 'k' } })).body.secret
})
afterAll(async () => {
  await h?.close()
})

/** Everything a lifecycle call could change: each invoice with its lines, balance, credit notes and payments. */
async function ledgerState(): Promise<unknown[]> {
  const list = (await h.json('GET', '/v1/invoices?limit=1000')).body.data as InvoiceJson[]
  return Promise.all(list.map(async (i) => (await h.json('GET', `/v1/invoices/${i.id}`)).body))
}

async function lines(id: string): Promise<{ id: string; amount: string }[]> {
  return ((await h.json('GET', `/v1/invoices/${id}`)).body as InvoiceJson).lines
}

interface Refusal {
  name: string
  method?: 'POST'
  path: () => string | Promise<string>
  body?: () => unknown | Promise<unknown>
  headers?: () => Record<string, string>
  status: number
  code: string
  /** A detail the answer must carry (the failing field, or the invoice state). */
  detail?: { field?: string; code?: string }
  /** Text the message (or hint) must contain, to prove it says what happened and what to do next. */
  message?: RegExp
  hint?: RegExp
}

const finalize = (id: () => string) => () => `/v1/invoices/${id()}/finalize`
const voidOf = (id: () => string) => () => `/v1/invoices/${id()}/void`
const credit = (id: () => string) => () => `/v1/invoices/${id()}/credit-notes`
const payments = (id: () => string) => () => `/v1/invoices/${id()}/payments`
const unknown = randomUUID()

const refusals: Refusal[] = [
  // finalize
  {
    name: 'finalize a void invoice',
    path: finalize(() => inv.jun),
    status: 409,
    code: 'invoice_not_finalizable',
    detail: { field: 'status', code: 'invoice_void' },
    message: /void.*2026|issued in error/,
    hint: /new invoice/,
  },
  { name: 'finalize an unknown id', path: finalize(() => unknown), status: 404, code: 'invoice_not_found' },
  { name: 'finalize an id that is not a UUID', path: finalize(() => 'inv_123'), status: 404, code: 'invoice_not_found' },
  {
    name: "finalize another organisation's draft",
    path: finalize(() => inv.nov),
    headers: () => ({ authorization: `Bearer ${otherOrgKey}` }),
    status: 404,
    code: 'invoice_not_found',
  },
  // void
  {
    name: 'void a draft',
    path: voidOf(() => inv.nov),
    body: () => ({ reason: 'x' }),
    status: 409,
    code: 'invoice_not_voidable',
    detail: { field: 'status', code: 'invoice_draft' },
    hint: /finalize|rating run/,
  },
  {
    name: 'void a paid invoice',
    path: voidOf(() => inv.jul),
    body: () => ({ reason: 'x' }),
    status: 409,
    code: 'invoice_not_voidable',
    detail: { field: 'status', code: 'invoice_paid' },
    hint: /credit note/,
  },
  {
    name: 'void an invoice with payments',
    path: voidOf(() => inv.aug),
    body: () => ({ reason: 'x' }),
    status: 409,
    code: 'invoice_has_payments',
    message: /20\.00/,
    hint: /credit note/,
  },
  {
    name: 'void without a reason',
    path: voidOf(() => inv.sep),
    body: () => ({}),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'reason', code: 'invalid_type' },
  },
  { name: 'void with a body that is not JSON', path: voidOf(() => inv.sep), body: () => '{"reason":', status: 400, code: 'invalid_json' },
  { name: 'void an unknown id', path: voidOf(() => unknown), body: () => ({ reason: 'x' }), status: 404, code: 'invoice_not_found' },
  {
    name: "void another organisation's invoice",
    path: voidOf(() => inv.sep),
    body: () => ({ reason: 'x' }),
    headers: () => ({ authorization: `Bearer ${otherOrgKey}` }),
    status: 404,
    code: 'invoice_not_found',
  },
  // credit notes
  {
    name: 'credit a draft',
    path: credit(() => inv.nov),
    body: () => ({ reason: 'billing_error' }),
    status: 409,
    code: 'invoice_not_creditable',
    detail: { field: 'status', code: 'invoice_draft' },
    hint: /finalize/,
  },
  {
    name: 'credit a void invoice',
    path: credit(() => inv.jun),
    body: () => ({ reason: 'billing_error' }),
    status: 409,
    code: 'invoice_not_creditable',
    detail: { field: 'status', code: 'invoice_void' },
    message: /issued in error/,
  },
  {
    name: 'credit more than a line',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '100.01' }] }),
    status: 422,
    code: 'credit_exceeds_line',
    detail: { field: 'lines[0]', code: 'credit_exceeds_line' },
    message: /100\.00 USD left/,
  },
  {
    // Two entries for one line, each within it, together more than it: refused, not over-credited.
    name: 'credit one line twice in one note, together more than the line',
    path: credit(() => inv.sep),
    body: async () => {
      const l = (await lines(inv.sep))[1]!
      return {
        reason: 'billing_error',
        lines: [
          { invoice_line_id: l.id, amount: '30.00' },
          { invoice_line_id: l.id, amount: '30.00' },
        ],
      }
    },
    status: 422,
    code: 'credit_exceeds_line',
    detail: { field: 'lines[1]', code: 'credit_exceeds_line' },
  },
  {
    name: 'credit zero',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '0' }] }),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'lines[0]', code: 'invalid_amount' },
  },
  {
    name: 'credit a negative amount',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '-5.00' }] }),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'lines[0]', code: 'invalid_amount' },
  },
  {
    name: 'credit sub-cent amounts',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: '1.001' }] }),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'lines[0]', code: 'invalid_amount' },
  },
  {
    name: 'credit a line of another invoice',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.oct))[0]!.id, amount: '1.00' }] }),
    status: 422,
    code: 'invoice_line_not_found',
    detail: { field: 'lines[0]', code: 'invoice_line_not_found' },
  },
  {
    name: 'credit an amount given as a JSON number',
    path: credit(() => inv.sep),
    body: async () => ({ reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[0]!.id, amount: 1 }] }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'lines[0].amount' },
  },
  {
    name: 'credit with an unknown reason',
    path: credit(() => inv.sep),
    body: () => ({ reason: 'because' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'reason', code: 'invalid_value' },
  },
  { name: 'credit an unknown id', path: credit(() => unknown), body: () => ({ reason: 'other' }), status: 404, code: 'invoice_not_found' },
  {
    name: "credit another organisation's invoice",
    path: credit(() => inv.sep),
    body: () => ({ reason: 'other' }),
    headers: () => ({ authorization: `Bearer ${otherOrgKey}` }),
    status: 404,
    code: 'invoice_not_found',
  },
  // payments
  {
    name: 'pay a draft',
    path: payments(() => inv.nov),
    body: () => pay('1.00'),
    status: 409,
    code: 'invoice_not_payable',
    detail: { field: 'status', code: 'invoice_draft' },
    hint: /finalize/,
  },
  {
    name: 'pay a void invoice',
    path: payments(() => inv.jun),
    body: () => pay('1.00'),
    status: 409,
    code: 'invoice_not_payable',
    detail: { field: 'status', code: 'invoice_void' },
    message: /issued in error/,
  },
  {
    name: 'pay a paid invoice',
    path: payments(() => inv.jul),
    body: () => pay('1.00'),
    status: 409,
    code: 'invoice_not_payable',
    detail: { field: 'status', code: 'invoice_paid' },
    message: /nothing is due/,
  },
  {
    name: 'pay more than is due',
    path: payments(() => inv.aug),
    body: () => pay('130.01'),
    status: 422,
    code: 'overpayment',
    detail: { field: 'amount', code: 'overpayment' },
    message: /130\.00 USD/,
  },
  {
    name: 'pay in another currency',
    path: payments(() => inv.oct),
    body: () => pay('10.00', { currency: 'EUR' }),
    status: 422,
    code: 'currency_mismatch',
    detail: { field: 'currency', code: 'currency_mismatch' },
  },
  {
    name: 'pay zero',
    path: payments(() => inv.oct),
    body: () => pay('0'),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'amount', code: 'invalid_amount' },
  },
  {
    name: 'pay a negative amount',
    path: payments(() => inv.oct),
    body: () => pay('-10.00'),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'amount', code: 'invalid_amount' },
  },
  {
    name: 'pay sub-cent amounts',
    path: payments(() => inv.oct),
    body: () => pay('10.001'),
    status: 422,
    code: 'invalid_amount',
    detail: { field: 'amount', code: 'invalid_amount' },
  },
  { name: 'pay with a JSON number', path: payments(() => inv.oct), body: () => pay(10), status: 400, code: 'invalid_request', detail: { field: 'amount' } },
  {
    name: 'pay with a decimal that is not one',
    path: payments(() => inv.oct),
    body: () => pay('ten'),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'amount' },
  },
  {
    name: 'pay on a date that does not exist',
    path: payments(() => inv.oct),
    body: () => pay('10.00', { paid_on: '2026-02-30' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'paid_on', code: 'invalid_date' },
  },
  {
    name: 'pay without a method',
    path: payments(() => inv.oct),
    body: () => ({ amount: '10.00', paid_on: '2026-11-05' }),
    status: 400,
    code: 'invalid_request',
    detail: { field: 'method' },
  },
  { name: 'pay an unknown id', path: payments(() => unknown), body: () => pay('1.00'), status: 404, code: 'invoice_not_found' },
  {
    name: "pay another organisation's invoice",
    path: payments(() => inv.oct),
    body: () => pay('1.00'),
    headers: () => ({ authorization: `Bearer ${otherOrgKey}` }),
    status: 404,
    code: 'invoice_not_found',
  },
]

describe('refused invoice transitions: one status and code per cause, a next step, nothing changed', () => {
  it.each(refusals.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
    const before = await ledgerState()
    const body = r.body ? await r.body() : undefined
    const res = await h.json(r.method ?? 'POST', await r.path(), {
      ...(body !== undefined ? { body: body as object } : {}),
      ...(r.headers ? { headers: r.headers() } : {}),
    })
    const error = (res.body as ErrorBody).error
    expect({ status: res.status, code: error?.code }).toEqual({ status: r.status, code: r.code })
    expect(error.message).toEqual(expect.any(String))
    if (r.detail) expect(error.details).toContainEqual(expect.objectContaining(r.detail))
    if (r.message) expect(error.message).toMatch(r.message)
    if (r.hint) expect(error.hint).toMatch(r.hint)
    // Every 409 says what to do next.
    if (r.status === 409) expect(error.hint).toEqual(expect.stringMatching(/\w/))
    expect(await ledgerState()).toEqual(before)
  })
})

describe('allowed transitions', () => {
  it('finalize of a finalized or paid invoice is idempotent: 200, unchanged', async () => {
    for (const id of [inv.sep, inv.jul]) {
      const before = (await h.json('GET', `/v1/invoices/${id}`)).body as InvoiceJson
      const again = await h.json('POST', `/v1/invoices/${id}/finalize`)
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ id, status: before.status, number: before.number })
      expect((await h.json('GET', `/v1/invoices/${id}`)).body).toEqual(before)
    }
  })

  it('void of a void invoice is idempotent: 200, the first reason and time kept', async () => {
    const before = (await h.json('GET', `/v1/invoices/${inv.jun}`)).body as InvoiceJson & { void_reason: string }
    const again = await h.json('POST', `/v1/invoices/${inv.jun}/void`, { body: { reason: 'another reason' } })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ status: 'void', void_reason: 'issued in error', voided_at: before.voided_at })
    expect((await h.json('GET', `/v1/invoices/${inv.jun}`)).body).toEqual(before)
  })

  it('a paid invoice can still be credited; a fully credited one has nothing left (409)', async () => {
    const note = await h.json('POST', `/v1/invoices/${inv.jul}/credit-notes`, { body: { reason: 'product_unsatisfactory' } })
    expect(note).toMatchObject({ status: 201, body: { total: '150.00' } })
    const before = await ledgerState()
    const again = await h.json('POST', `/v1/invoices/${inv.jul}/credit-notes`, { body: { reason: 'other' } })
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'nothing_to_credit', hint: expect.stringMatching(/\w/) } } })
    expect(await ledgerState()).toEqual(before)
  })

  it('the draft finalizes with the next number: no refused call used one up', async () => {
    const fin = await h.json('POST', `/v1/invoices/${inv.nov}/finalize`)
    expect(fin).toMatchObject({ status: 200, body: { status: 'finalized', number: 6 } })
    const note = await h.json('POST', `/v1/invoices/${inv.sep}/credit-notes`, {
      body: { reason: 'billing_error', lines: [{ invoice_line_id: (await lines(inv.sep))[1]!.id, amount: '50.00' }] },
    })
    // Credit note 1 was July's; this is number 2.
    expect(note).toMatchObject({ status: 201, body: { number: 2, total: '50.00' } })
  })
})
