// Contracts outside UTC, end to end on the real engines (chDB + PGlite, through the HTTP API):
// events just before and just after a period boundary land in the period of the contract's
// local days, and the invoice is due when its billing date begins in the contract's zone.
//   America/Santiago skips midnight on 2024-09-08 (00:00 → 01:00, UTC−4 → UTC−3): the day,
//     and the period [2024-09-08, 2024-10-08), start at 01:00 local = 04:00Z. 23:30 of the
//     7th (03:30Z) still belongs to the period before.
//   Europe/Paris: October 2026 is [2026-09-30T22:00Z, 2026-10-31T23:00Z), 745 hours (the
//     DST change on the 25th gives it one more).
// The zone is the contract's: it is given on the contract, or copied from the customer's when
// the contract is created (ledger/contracts.ts). The Paris contract is for a customer in New
// York, whose October would be [2026-10-01T04:00Z, 2026-11-01T04:00Z).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { createApiCallCountMetric, type Harness, openHarness } from '../support/tallyHarness.ts'

let h: Harness
let productId = ''
type InvoiceJson = {
  id: string
  billing_date: string
  total: string
  lines: { timing: string; quantity: string; amount: string; period_start: string; period_end: string }[]
}

/** `count` api_calls events of `customer` at the instant `at` (ISO, UTC). */
const events = (customer: string, at: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ raw_metric: 'api_calls', customer_id: customer, timestamp: at, event_id: `${customer}-${at}-${i}`, data: {} }))

async function post(path: string, body: object): Promise<any> {
  const res = await h.json('POST', path, { body })
  if (res.status !== 201 && res.status !== 202 && res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** A monthly contract billing api_calls at 1.25 each, in arrears. */
async function contract(customer: string, startDate: string, timeZone?: string): Promise<any> {
  const price = { model: 'per_unit', currency: 'USD', unit_price: '1.25' }
  return post('/v1/contracts', {
    customer,
    currency: 'USD',
    start_date: startDate,
    cadence: 'monthly',
    ...(timeZone ? { time_zone: timeZone } : {}),
    phases: [{ start_date: startDate, items: [{ product_id: productId, billing: 'in_arrears', price }] }],
  })
}

const rate = (contractId: string, asOf: string) => post('/v1/rating/runs', { as_of: asOf, contract_id: contractId })
const invoiceOf = async (contractId: string, billingDate: string): Promise<InvoiceJson | undefined> => {
  const list = (await h.json('GET', `/v1/invoices?contract_id=${contractId}&limit=100`)).body.data as InvoiceJson[]
  const found = list.find((i) => i.billing_date === billingDate)
  return found && ((await h.json('GET', `/v1/invoices/${found.id}`)).body as InvoiceJson)
}
const metricWindow = async (invoice: InvoiceJson) =>
  ((await h.json('GET', `/v1/invoices/${invoice.id}/explain`)).body.items as { metric: { start: string; end: string } }[]).map((i) => [
    i.metric.start,
    i.metric.end,
  ])

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-12-04T12:00:00Z') })
  await post('/v1/raw-metrics', { name: 'api_calls' })
  await post('/v1/customers', { external_id: 'santiago', name: 'Santiago Co', time_zone: 'America/Santiago' })
  await post('/v1/customers', { external_id: 'newyork', name: 'New York Co', time_zone: 'America/New_York' })
  await createApiCallCountMetric(h)
  productId = (await post('/v1/products', { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } })).id
})
afterAll(async () => {
  await h?.close()
})

describe('a contract in America/Santiago across the 2024-09-08 midnight gap', () => {
  it("bills the boundary at 01:00 local (04:00Z): the 7th's last hour stays in the period before", async () => {
    const c = await contract('santiago', '2024-08-08') // no zone given: the customer's
    expect(c.time_zone).toBe('America/Santiago')
    await post('/v1/events', [
      ...events('santiago', '2024-08-08T03:59:59.999Z', 7), //  23:59:59.999 of Aug 7 (UTC−4): before the contract
      ...events('santiago', '2024-08-08T04:00:00.000Z', 2), //  00:00 of Aug 8: the first instant of P_0
      ...events('santiago', '2024-09-08T03:30:00.000Z', 3), //  23:30 of Sep 7: P_0 (03:00Z would have cut it off)
      ...events('santiago', '2024-09-08T03:59:59.999Z', 1), //  the last instant of P_0
      ...events('santiago', '2024-09-08T04:00:00.000Z', 4), //  01:00 of Sep 8 (UTC−3): the first instant of P_1
      ...events('santiago', '2024-09-08T04:30:00.000Z', 5), //  01:30 of Sep 8: P_1
      ...events('santiago', '2024-10-08T02:59:59.999Z', 2), //  23:59:59.999 of Oct 7: the last instant of P_1
      ...events('santiago', '2024-10-08T03:00:00.000Z', 8), //  00:00 of Oct 8 (UTC−3): P_2
    ])

    // At 23:30 of Sep 7 local the 2024-09-08 invoice is not due yet.
    const early = await rate(c.id, '2024-09-08T03:30:00Z')
    expect(early.invoices.created).toBe(0)
    expect(await invoiceOf(c.id, '2024-09-08')).toBeUndefined()

    // From 04:00Z it is: P_0 holds 2 + 3 + 1 = 6 calls, 6 × 1.25 = 7.50.
    const due = await rate(c.id, '2024-09-08T04:00:00Z')
    expect(due.invoices.created).toBe(1)
    const september = (await invoiceOf(c.id, '2024-09-08'))!
    expect(september.total).toBe('7.50')
    expect(september.lines.map((l) => [l.timing, l.quantity, l.amount, l.period_start, l.period_end])).toEqual([
      ['in_arrears', '6', '7.50', '2024-08-08', '2024-09-08'],
    ])
    expect(await metricWindow(september)).toEqual([['2024-08-08T04:00:00.000Z', '2024-09-08T04:00:00.000Z']])

    // P_1 = [2024-09-08T04:00Z, 2024-10-08T03:00Z): 4 + 5 + 2 = 11 calls, 11 × 1.25 = 13.75.
    await rate(c.id, '2024-10-08T03:00:00Z')
    const october = (await invoiceOf(c.id, '2024-10-08'))!
    expect(october.total).toBe('13.75')
    expect(october.lines.map((l) => [l.quantity, l.amount, l.period_start, l.period_end])).toEqual([['11', '13.75', '2024-09-08', '2024-10-08']])
    expect(await metricWindow(october)).toEqual([['2024-09-08T04:00:00.000Z', '2024-10-08T03:00:00.000Z']])
  })
})

describe('a contract in Europe/Paris for a customer in America/New_York', () => {
  it("counts Paris days, not the customer's: October 2026 is 2026-09-30T22:00Z to 2026-10-31T23:00Z", async () => {
    const c = await contract('newyork', '2026-10-01', 'Europe/Paris')
    expect(c.time_zone).toBe('Europe/Paris')
    await post('/v1/events', [
      ...events('newyork', '2026-09-30T21:59:59.999Z', 1), // 23:59:59.999 of Sep 30 in Paris: before the contract
      ...events('newyork', '2026-09-30T22:00:00.000Z', 2), // 00:00 of Oct 1 in Paris (18:00 of Sep 30 in New York)
      ...events('newyork', '2026-10-25T00:30:00.000Z', 3), // 02:30 CEST on the 25-hour day
      ...events('newyork', '2026-10-31T22:59:59.999Z', 4), // 23:59:59.999 of Oct 31 in Paris (CET)
      ...events('newyork', '2026-10-31T23:00:00.000Z', 5), // 00:00 of Nov 1 in Paris (19:00 of Oct 31 in New York)
    ])

    expect((await rate(c.id, '2026-10-31T22:59:59.999Z')).invoices.created).toBe(0)
    await rate(c.id, '2026-10-31T23:00:00Z')
    // October in Paris: 2 + 3 + 4 = 9 calls, 9 × 1.25 = 11.25. (New York's October would hold
    // 3 + 4 + 5 = 12 calls, 15.00.)
    const november = (await invoiceOf(c.id, '2026-11-01'))!
    expect(november.total).toBe('11.25')
    expect(november.lines.map((l) => [l.quantity, l.amount, l.period_start, l.period_end])).toEqual([['9', '11.25', '2026-10-01', '2026-11-01']])
    expect(await metricWindow(november)).toEqual([['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']])
  })
})
