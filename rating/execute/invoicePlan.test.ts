import { describe, expect, it } from 'vitest'
import type { Contract, Product } from '../../ledger/ratingStore.ts'
import { fixtureContract, fixtureProduct } from '../../test/support/ratingFixtures.ts'
import { scheduledInvoice, type Schedule } from './billingSchedule.ts'
import { canonicalJson, phaseSegments, planInvoice, priceVersionOf, prorationOf } from './invoicePlan.ts'

const FEE = { model: 'flat_fee', currency: 'USD', amount: '31.00' }
const CALLS = { model: 'per_unit', currency: 'USD', unit_price: '0.10' }
const CALLS_CHEAPER = { model: 'per_unit', currency: 'USD', unit_price: '0.05' }

const products = new Map<string, Product>([
  ['p-fee', fixtureProduct({ id: 'p-fee', name: 'Platform' })],
  ['p-api', fixtureProduct({ id: 'p-api', name: 'API calls', metricName: 'api_call_count', metricVersion: 3 })],
])

function contract(over: Partial<Contract>): Contract {
  return fixtureContract({
    phases: [
      {
        start_date: '2026-10-01',
        items: [
          { product_id: 'p-fee', billing: 'in_advance', price: FEE },
          { product_id: 'p-api', billing: 'in_arrears', price: CALLS },
        ],
      },
    ],
    ...over,
  })
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

  it('canonicalJson writes what the entries/sort/join form it replaced wrote (issue 20)', () => {
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`
      }
      return JSON.stringify(value)
    }
    const values: unknown[] = [
      null,
      undefined,
      0,
      -1.5,
      'text "quoted" \\ é \u2028',
      true,
      [],
      {},
      [1, undefined, null, () => 1, [[]], {}],
      { z: 1, a: undefined, é: 'x', B: [{ y: 2, x: null }], '10': 'ten', '9': 'nine', 'key with "quotes"': { b: false, a: true } },
      { fn: () => 1, date: new Date('2026-10-01T00:00:00Z'), nested: { lines: [{ amount: '1.00', price: FEE }] } },
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      // Strings JSON escapes (control characters, quotes, backslashes, lone surrogates) and those it leaves alone (a pair, U+2028, DEL).
      ['tab\there', 'nl\n', '\u0000\u001f', 'pair \ud83d\ude00', 'lone \ud800 and \udfff', '\u2028\u2029\u007f', '"', '\\', ''],
      { '\u0001 control': 1, 'quote"': 2, 'back\\slash': 3, '\ud800': 4, symbol: Symbol('s') },
      // More property names than quotedKey keeps: its cache is emptied and refilled on the way.
      Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`k${(i * 7919) % 2_500}`, i % 3 === 0 ? `v"${i}` : i])),
    ]
    for (const v of values) expect(canonicalJson(v)).toBe(reference(v))
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
