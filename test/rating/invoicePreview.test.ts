// POST /v1/invoices/preview over HTTP on the real app (chDB + PGlite) (issue 18): a contract's
// upcoming invoice from real usage, priced by the rating run's own steps with the contract's
// terms (a discount, a minimum commitment, a credit grant), nothing written; the run that
// later bills that date writes exactly the previewed total. And an inline definition with
// given quantities, rated by rateInvoice.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { invoicePreviewBody, renderInvoicePreview } from '../../app/cli/invoicePreview.ts'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'

let h: Harness
let contractId = ''

const calls = (prefix: string, day: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    raw_metric: 'api_calls',
    customer_id: 'acme',
    timestamp: `2026-01-${day} 12:00:00.000`,
    event_id: `${prefix}-${i}`,
    data: {},
  }))
const invoices = async () => (await h.json('GET', `/v1/invoices?contract_id=${contractId}`)).body.data as { id: string; billing_date: string; total: string }[]
const preview = (body: object) => h.json('POST', '/v1/invoices/preview', { body })

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-01-20T00:00:00Z') })
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  await createApiCallCountMetric(h)
  const api = (await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })).body.id
  const platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
  const contract = await h.json('POST', '/v1/contracts', {
    body: monthlyContract('acme', [usdItem(platform, 'in_advance', { amount: '100.00' }), usdItem(api, 'in_arrears', { unit_price: '0.50' })], {
      terms: {
        discounts: [{ id: 'launch', type: 'percentage', value: '10', scope: 'invoice' }],
        commitment: { kind: 'minimum', amount: '200.00' },
        credits: [{ id: 'welcome', amount: '25.00', priority: 0 }],
      },
    }),
  })
  expect(contract.status, JSON.stringify(contract.body)).toBe(201)
  contractId = contract.body.id
  // The opening invoice (January's fee in advance), as the run of January 1st wrote it:
  // 100.00 − 10 % = 90.00, less the 25.00 grant = 65.00.
  const opening = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-01-01T01:00:00Z', contract_id: contractId } })
  expect(opening.body.totals).toEqual({ USD: '65.00' })
  expect((await h.json('POST', '/v1/events', { body: calls('jan', '10', 120) })).status).toBe(202)
})
afterAll(async () => {
  await h?.close()
})

describe('a contract invoice from real usage', () => {
  it("previews the upcoming invoice (as of January 20th: February 1st's) with every term, writing nothing", async () => {
    const r = await preview({ contract_id: contractId })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    // January usage 120 × 0.50 = 60.00; February's fee 100.00; 10 % off the invoice: −16.00.
    // Minimum 200.00 over January: 60.00 − 6.00 (its share of the discount) + 90.00 (January's
    // fee, billed on January 1st, after its discount) = 144.00 → true-up 56.00.
    // 160.00 − 16.00 + 56.00 = 200.00; the grant is used up (25.00 on January 1st): 200.00.
    expect(r.body).toMatchObject({
      mode: 'contract',
      contract_id: contractId,
      customer: 'acme',
      billing_date: '2026-02-01',
      period_index: 1,
      arrears_period: { start: '2026-01-01', end: '2026-02-01' },
      advance_period: { start: '2026-02-01', end: '2026-03-01' },
      currency: 'USD',
      total: '200.00',
      existing_invoice: null,
    })
    expect(r.body.lines.map((l: { kind: string; amount: string }) => [l.kind, l.amount])).toEqual([
      ['usage', '60.00'],
      ['flat_fee', '100.00'],
      ['discount', '-16.00'],
      ['minimum_commitment', '56.00'],
    ])
    expect((await invoices()).map((i) => i.billing_date)).toEqual(['2026-01-01'])
  })

  it('is what the run bills on that date', async () => {
    const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-02-01T01:00:00Z', contract_id: contractId } })
    expect(run.body.totals).toEqual({ USD: '200.00' })
    const again = await preview({ contract_id: contractId, billing_date: '2026-02-01' })
    const february = (await invoices()).find((i) => i.billing_date === '2026-02-01')!
    expect(again.body).toMatchObject({ total: february.total, existing_invoice: { id: february.id, status: 'draft', total: '200.00' } })
  })

  it('refuses a date the contract does not bill, naming the next one', async () => {
    const r = await preview({ contract_id: contractId, billing_date: '2026-02-15' })
    expect(r.status).toBe(422)
    expect(r.body.error).toMatchObject({
      code: 'billing_date_not_scheduled',
      details: [{ field: 'billing_date' }],
      hint: 'Its next billing date after that is 2026-03-01.',
    })
  })

  it('answers 404 for an unknown contract and 400 for a body that names neither or both', async () => {
    expect((await preview({ contract_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
    expect((await preview({})).body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'contract_id' }] })
  })
})

describe('an inline invoice with given quantities', () => {
  const invoice = {
    currency: 'USD',
    as_of: '2026-02-01',
    lines: [
      { id: 'calls', price: { model: 'per_unit', currency: 'USD', unit_price: '0.002' }, quantity: '12500' },
      { id: 'card', price: { model: 'percent', currency: 'USD', percent: '2.5', min_per_transaction: '0.50' }, transactions: ['5.00'] },
    ],
    subscription: { fee: '49.00', included_units: '10000', line: 'calls' },
    credits: [{ id: 'c', amount: '4.00' }],
  }

  it('rates subscription, usage, a per-transaction percent and a credit: 49.00 + 5.00 + 0.50 − 4.00 = 50.50', async () => {
    const r = await preview({ invoice })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ mode: 'inline', amount: '50.50', credits: [{ id: 'c', drawn: '4.00', remaining: '0' }] })
    expect(r.body.lines.map((l: { amount: string }) => l.amount)).toEqual(['49.00', '5.00', '0.13', '0.37', '-4.00'])
  })

  it("refuses what the engine refuses with the field's path (422), without writing", async () => {
    const bad = { ...invoice, lines: [{ ...invoice.lines[0], quantity: '5', transactions: ['1'] }] }
    const r = await preview({ invoice: bad })
    expect(r.status).toBe(422)
    expect(r.body.error).toMatchObject({ code: 'invalid_invoice_input', details: [{ field: 'invoice.lines[0].transactions', code: 'conflicting_usage' }] })
  })
})

// The CLI's part of `tally invoices preview`: the body its flags make and what it prints, against
// the same app (the command itself only adds the API client).
describe('tally invoices preview', () => {
  const cli = async (args: Parameters<typeof invoicePreviewBody>[0]) => {
    const r = await preview(await invoicePreviewBody(args))
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return renderInvoicePreview(r.body)
  }

  it("prints a contract invoice's lines, the total and the invoice already written", async () => {
    const out = await cli({ contract: contractId, billingDate: '2026-02-01' })
    expect(out[0]).toBe(`Preview of contract ${contractId}'s invoice of 2026-02-01 (nothing written)`)
    expect(out).toContainEqual(expect.stringMatching(/^API calls: .*\s120\s+0\.5\s+60\.00$/))
    expect(out).toContainEqual(expect.stringMatching(/^Total\s+200\.00 USD$/))
    expect(out.at(-1)).toMatch(/^Already written: invoice \S+ \(draft\), total 200\.00 USD$/)
  })

  it('prints an inline invoice read from --file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-invoice-preview-'))
    const file = join(dir, 'invoice.json')
    writeFileSync(
      file,
      JSON.stringify({
        currency: 'USD',
        as_of: '2026-02-01',
        lines: [{ id: 'a', price: { model: 'per_unit', currency: 'USD', unit_price: '0.25' }, quantity: '10' }],
      }),
    )
    const out = await cli({ file })
    expect(out[0]).toBe('Preview of an inline invoice (nothing written)')
    expect(out.at(-1)).toMatch(/^Total\s+2\.50 USD$/)
  })

  it('asks for exactly one of --contract and --file', async () => {
    await expect(invoicePreviewBody({})).rejects.toThrow('give --contract ID or --file invoice.json')
    await expect(invoicePreviewBody({ file: 'x.json', asOf: '2026-01-01' })).rejects.toThrow('--billing-date and --as-of apply to --contract only')
  })
})
