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
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'
import { invoiceRefusals, pay, type InvoiceSlot } from './invoiceLifecycleRefusals.ts'

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
const inv: Record<InvoiceSlot, string> = { jun: '', jul: '', aug: '', sep: '', oct: '', nov: '' }
let otherOrgKey = ''

const flat = (amount: string) => ({ model: 'flat_fee', currency: 'USD', amount })
const perUnit = (unitPrice: string) => ({ model: 'per_unit', currency: 'USD', unit_price: unitPrice })

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

const refusals = invoiceRefusals({ inv, otherOrgKey: () => otherOrgKey, lines })

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
