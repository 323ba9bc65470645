import { describe, expect, it } from 'vitest'
import type { Contract, Product } from '../../ledger/ratingStore.ts'
import { scheduledInvoice, type Schedule } from './billingSchedule.ts'
import { canonicalJson, phaseSegments, planInvoice, priceVersionOf, prorationOf } from './invoicePlan.ts'

const FEE = { model: 'flat_fee', currency: 'USD', amount: '31.00' }
const CALLS = { model: 'per_unit', currency: 'USD', unit_price: '0.10' }
const CALLS_CHEAPER = { model: 'per_unit', currency: 'USD', unit_price: '0.05' }

const products = new Map<string, Product>([
  [
    'p-fee',
    {
      id: 'p-fee',
      orgId: 'o',
      name: 'Platform',
      description: null,
      kind: 'non_metered',
      metricName: null,
      metricVersion: null,
      defaultQuantity: null,
      createdAt: '2024-01-01T00:00:00Z',
    },
  ],
  [
    'p-api',
    {
      id: 'p-api',
      orgId: 'o',
      name: 'API calls',
      description: null,
      kind: 'metered',
      metricName: 'api_call_count',
      metricVersion: 3,
      defaultQuantity: null,
      createdAt: '2024-01-01T00:00:00Z',
    },
  ],
])

function contract(over: Partial<Contract>): Contract {
  return {
    id: 'c-1',
    orgId: 'o',
    customerId: 'cu-1',
    customerExternalId: 'acme',
    planId: null,
    name: 'Acme',
    currency: 'USD',
    startDate: '2026-10-01',
    endDate: null,
    timeZone: 'UTC',
    cadence: 'monthly',
    anchorDay: 1,
    renewal: 'auto_renew',
    endProration: 'prorate',
    netTermsDays: 30,
    backdatedInvoices: 'draft',
    phases: [
      {
        start_date: '2026-10-01',
        items: [
          { product_id: 'p-fee', billing: 'in_advance', price: FEE },
          { product_id: 'p-api', billing: 'in_arrears', price: CALLS },
        ],
      },
    ],
    terms: {},
    overrides: [],
    createdAt: '2026-09-01T00:00:00Z',
    ...over,
  }
}
const scheduleOf = (c: Contract): Schedule => ({ startDate: c.startDate, endDate: c.endDate, cadence: c.cadence, anchorDay: c.anchorDay, renewal: c.renewal })
const plan = (c: Contract, j: number) => planInvoice(c, products, scheduledInvoice(scheduleOf(c), j)!)
const window = (m: { start: Date; end: Date } | null) => m && [m.start.toISOString(), m.end.toISOString()]

describe('invoice plan', () => {
  it('bills arrears items of the ended period first, then advance items of the coming one', () => {
    const items = plan(contract({}), 1)
    expect(items.map((i) => [i.id, i.timing, i.period.start, i.segment.start, i.segment.end, i.quantity])).toEqual([
      ['arrears:API calls:2026-10-01', 'in_arrears', '2026-10-01', '2026-10-01', '2026-11-01', null],
      ['advance:Platform:2026-11-01', 'in_advance', '2026-11-01', '2026-11-01', '2026-12-01', '1'],
    ])
    expect(items[0]!.metric).toMatchObject({ name: 'api_call_count', version: 3 })
    expect(items[1]!.metric).toBeNull()
  })

  it("a metered item counts the segment's days in the contract's zone: a Paris October is 2026-09-30T22:00Z to 2026-10-31T23:00Z", () => {
    const [arrears] = plan(contract({ timeZone: 'Europe/Paris' }), 1)
    expect(window(arrears!.metric)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'])
    const [utc] = plan(contract({}), 1)
    expect(window(utc!.metric)).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'])
  })

  it('a Santiago period ending on 2024-09-08 ends at 04:00Z (01:00 local, midnight does not exist)', () => {
    const santiago = contract({
      timeZone: 'America/Santiago',
      startDate: '2024-08-08',
      anchorDay: 8,
      phases: [{ start_date: '2024-08-08', items: [{ product_id: 'p-api', billing: 'in_arrears', price: CALLS }] }],
    })
    const [august] = plan(santiago, 1)
    const [september] = plan(santiago, 2)
    expect(window(august!.metric)).toEqual(['2024-08-08T04:00:00.000Z', '2024-09-08T04:00:00.000Z'])
    // Next period starts where the last ended (no hour lost or counted twice); 2024-10-08 is UTC−3.
    expect(window(september!.metric)).toEqual(['2024-09-08T04:00:00.000Z', '2024-10-08T03:00:00.000Z'])
  })

  it('a phase change inside a period splits it: each phase bills its own days, prorated over the whole period', () => {
    const c = contract({
      timeZone: 'America/New_York',
      phases: [
        { start_date: '2026-10-01', items: [{ product_id: 'p-api', billing: 'in_arrears', price: CALLS }] },
        { start_date: '2026-10-20', items: [{ product_id: 'p-api', billing: 'in_arrears', price: CALLS_CHEAPER }] },
      ],
    })
    const items = plan(c, 1)
    expect(items.map((i) => [i.id, i.segment.start, i.segment.end, i.priceVersion === priceVersionOf(CALLS)])).toEqual([
      ['arrears:API calls:2026-10-01', '2026-10-01', '2026-10-20', true],
      ['arrears:API calls:2026-10-20', '2026-10-20', '2026-11-01', false],
    ])
    // New York's 2026-10-20 begins 04:00Z (EDT); November 1st too (EDT until 02:00 that day).
    expect(items.map((i) => window(i.metric))).toEqual([
      ['2026-10-01T04:00:00.000Z', '2026-10-20T04:00:00.000Z'],
      ['2026-10-20T04:00:00.000Z', '2026-11-01T04:00:00.000Z'],
    ])
    expect(items.map(prorationOf)).toEqual([
      { period_start: '2026-10-01', period_end: '2026-11-01', active_start: '2026-10-01', active_end: '2026-10-20' },
      { period_start: '2026-10-01', period_end: '2026-11-01', active_start: '2026-10-20', active_end: '2026-11-01' },
    ])
  })

  it('no proration for an item that covers its whole period', () => {
    expect(prorationOf({ period: { start: '2026-10-01', end: '2026-11-01' }, segment: { start: '2026-10-01', end: '2026-11-01' } })).toBeUndefined()
  })

  it('phaseSegments keeps only the phases that overlap the span', () => {
    const phases = [
      { start_date: '2026-01-01', items: [] },
      { start_date: '2026-10-10', items: [] },
      { start_date: '2026-12-01', items: [] },
    ]
    expect(phaseSegments(phases, { start: '2026-10-01', end: '2026-11-01' }).map((p) => [p.phase.start_date, p.segment.start, p.segment.end])).toEqual([
      ['2026-01-01', '2026-10-01', '2026-10-10'],
      ['2026-10-10', '2026-10-10', '2026-11-01'],
    ])
  })

  it('a price version does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}')
    expect(priceVersionOf({ currency: 'USD', model: 'flat_fee', amount: '31.00' })).toBe(priceVersionOf(FEE))
    expect(priceVersionOf(FEE)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('refuses a contract whose product is missing', () => {
    expect(() =>
      planInvoice(
        contract({ phases: [{ start_date: '2026-10-01', items: [{ product_id: 'gone', billing: 'in_advance', price: FEE }] }] }),
        products,
        scheduledInvoice(scheduleOf(contract({})), 0)!,
      ),
    ).toThrow(/product gone/)
  })
})
