// Threshold invoices, pure: which usage a threshold invoice bills, and that a period's threshold
// invoices and its scheduled invoice add up to one rating of the period's total for every
// single-quantity model (seeded cases, amounts as decimal strings).
import { describe, expect, it } from 'vitest'
import type { Contract, Invoice } from '../../ledger/ratingStore.ts'
import { fixtureContract, fixtureProduct, TIERED_1_THEN_050, VOLUME_1_THEN_040 } from '../../test/support/ratingFixtures.ts'
import { isoCurrencies } from '../../platform/currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { scheduledInvoice, type Schedule } from './billingSchedule.ts'
import { poolUsage } from './freeUnitPools.ts'
import { planInvoice } from './invoicePlan.ts'
import { priceInvoice, rateItem, type PriceInvoiceInput } from './priceInvoice.ts'
import { planThreshold, priceThreshold, thresholdBilled } from './thresholdInvoice.ts'

const product = fixtureProduct({ id: 'p-api', name: 'Calls', metricName: 'units', metricVersion: 1 })
const products = new Map([[product.id, product]])
const schedule: Schedule = { startDate: '2026-03-01', endDate: null, cadence: 'monthly', anchorDay: 1, renewal: 'auto_renew' }
const TIERED = TIERED_1_THEN_050

type Price = Record<string, unknown> & { model: string; currency: unknown }

function contractOf(price: Price, amount: string): Contract {
  return fixtureContract({
    startDate: schedule.startDate,
    phases: [{ start_date: schedule.startDate, items: [{ product_id: product.id, billing: 'in_arrears', price }] }],
    terms: { threshold_billing: { amount } } as Contract['terms'],
  })
}

/** A finalized threshold invoice as the ledger would hand it back. */
function written(n: number, date: string, priced: { total: string; record: object; contentHash: string }): Invoice {
  return {
    id: `t-${n}`,
    orgId: 'o',
    contractId: 'c-1',
    customerId: 'cu-1',
    billingDate: date,
    periodIndex: -1,
    currency: 'USD',
    status: 'finalized',
    number: n,
    billingEntityId: null,
    displayNumber: null,
    total: priced.total,
    taxTotal: '0',
    contentHash: priced.contentHash,
    ratingInput: priced.record as Record<string, unknown>,
    creditDraws: [],
    graceUntil: `${date}T00:00:00Z`,
    dueDate: date,
    ratedAt: `${date}T00:00:00Z`,
    finalizedAt: `${date}T00:00:00Z`,
    paidAt: null,
    voidedAt: null,
    voidReason: null,
    replacesInvoiceId: null,
    replacedByInvoiceId: null,
    createdAt: `${date}T00:00:00Z`,
  }
}

/** Runs on March `days` seeing `quantities` so far, then April 1st's invoice at the last: every invoice's total. */
/** `voidAfter` may void one of the live threshold invoices after each run (its index in `known`). */
function period(
  price: Price,
  threshold: string,
  checkpoints: readonly [number, string][],
  final: string,
  voidAfter: (known: readonly Invoice[]) => number | undefined = () => undefined,
) {
  const contract = contractOf(price, threshold)
  const known: Invoice[] = []
  for (const [day, q] of checkpoints) {
    const work = planThreshold({ contract, schedule, products, asOf: new Date(`2026-03-${String(day).padStart(2, '0')}T12:00:00Z`) })!
    const priced = priceThreshold({ contract, work, known, usageOf: () => ({ quantity: q, rows: [] }), currencies: isoCurrencies })
    if (new Dec(priced.total).greaterThan(0) && new Dec(priced.total).greaterThanOrEqualTo(threshold)) known.push(written(known.length + 1, work.date, priced))
    const voided = voidAfter(known)
    if (voided !== undefined) known[voided] = { ...known[voided]!, status: 'void' }
  }
  const last = scheduledPriced(contract, known, 1, final)
  return { contract, thresholds: known.filter((i) => i.status !== 'void'), last }
}

/** Invoice `index` of the contract, priced with what `known` drew from pools and billed by thresholds. */
function scheduledPriced(contract: Contract, known: readonly Invoice[], index: number, quantity: string, previous: PriceInvoiceInput['previous'] = null) {
  const scheduled = scheduledInvoice(schedule, index)!
  return priceInvoice({
    contract,
    scheduled,
    items: planInvoice(contract, products, scheduled),
    usageOf: () => ({ quantity, rows: [] }),
    credits: [],
    previous,
    billedBefore: '0',
    billedElsewhere: [],
    pools: poolUsage(known, scheduled),
    thresholdBilled: thresholdBilled(known, scheduled.index),
    currencies: isoCurrencies,
  })
}

describe('threshold invoices', () => {
  it('bill the worked example: 130.00 when 160 units cross 100.00, then rate(320) − rate(160) = 80.00', () => {
    const { thresholds, last } = period(
      TIERED,
      '100.00',
      [
        [8, '90'],
        [15, '160'],
        [25, '320'],
      ],
      '320',
    )
    expect(thresholds.map((i) => [i.billingDate, i.total])).toEqual([['2026-03-15', '130.00']])
    expect(thresholds[0]!.ratingInput).toMatchObject({ period_index: 1, threshold: { billing_date: '2026-04-01', amount: '100.00' } })
    expect(last.total).toBe('80.00')
    expect(last.record.items[0]).toMatchObject({ usage: { quantity: '160', billed_quantity: '160' }, amount: '80.00' })
    expect(last.lines.map((l) => l.amount)).toEqual(['100.00', '110.00', '-130.00'])
  })

  it('credit what a volume price no longer owes, outside the terms: 400 units invoiced 400.00, 600 at the end rate 240.00 → −160.00', () => {
    const { thresholds, last } = period(VOLUME_1_THEN_040, '300.00', [[15, '400']], '600')
    expect(thresholds.map((i) => i.total)).toEqual(['400.00'])
    // rate(600) = 600 × 0.40 = 240.00; rate(400) = 400 × 1.00 = 400.00; 240.00 − 400.00 = −160.00.
    expect(last.record.items[0]).toMatchObject({ usage: { quantity: '200', billed_quantity: '400' }, amount: '-160.00' })
    expect(last.record.invoice).toMatchObject({ lines: [] })
    expect(last.total).toBe('-160.00')
    expect(last.lines.map((l) => l.amount)).toEqual(['240.00', '-400.00'])
  })

  it("count in a free-unit pool's window: 150 free units over March and April, all drawn by March's threshold invoice", () => {
    const pooled = { ...TIERED, free_units_pool: { quantity: '150', periods: 2 } }
    // March 15th: 200 units, 150 free → 50 priced = 50.00 ≥ 10.00. March ends at 250: 100 priced = 100.00 − 50.00 = 50.00.
    const { contract, thresholds, last } = period(pooled, '10.00', [[15, '200']], '250')
    expect(thresholds.map((i) => i.total)).toEqual(['50.00'])
    expect(last.total).toBe('50.00')
    // April's 100 units find the pool used up by the threshold invoice: 100 × 1.00 (with it not counted, all 100 would be free).
    const march = written(9, '2026-04-01', last)
    const april = scheduledPriced(contract, [...thresholds, { ...march, periodIndex: 1 }], 2, '100')
    expect(april.record.items[0]!.price).toMatchObject({ free_units_pool: { used: '150' } })
    expect(april.total).toBe('100.00')
  })

  it('bill again what a void threshold invoice billed under a later live one: 60.00 + 60.00, the first voided, then 5.00 + 60.00', () => {
    // 60 units → 60.00; 140 → rate(140) − rate(60) = 60.00; the first is voided; 150 at the end:
    // rate(150) − rate(140) = 5.00, and rate(140) − 60.00 live = 60.00 billed again → 65.00; 60.00 + 65.00 = 125.00 = rate(150).
    const { thresholds, last } = period(
      TIERED,
      '50.00',
      [
        [3, '60'],
        [6, '140'],
      ],
      '150',
      (known) => (known.length === 2 ? 0 : undefined),
    )
    expect(thresholds.map((i) => i.total)).toEqual(['60.00'])
    expect(last.total).toBe('65.00')
    expect(last.record.items[0]).toMatchObject({ usage: { quantity: '10', billed_quantity: '140' }, billed_before: [{ invoice_id: 't-2', amount: '60.00' }] })
    expect(last.lines.map((l) => [l.amount, l.description])).toEqual([
      ['100.00', expect.any(String)],
      ['25.00', expect.any(String)],
      ['-120.00', expect.stringContaining('already billed on threshold invoice 2')],
      ['60.00', 'Calls: usage a void threshold invoice had billed, billed again'],
    ])
  })

  it('price late usage of a final netted invoice on the next one by what it adds: 320 → 330 units is 5.00, not the 130.00 the threshold billed', () => {
    const { contract, thresholds, last } = period(TIERED, '100.00', [[15, '160']], '320')
    const march = { ...written(9, '2026-04-01', last), periodIndex: 1 }
    const late = { invoiceId: march.id, billingDate: march.billingDate, record: last.record, usageOf: () => ({ quantity: '330', rows: [] }) }
    const april = scheduledPriced(contract, [...thresholds, march], 2, '0', late)
    // 330 units on top of 160: rate(330) − rate(160) = 215.00 − 130.00 = 85.00; 80.00 was billed → +5.00.
    expect(april.record.adjustments).toMatchObject([
      { usage: { quantity: '170', billed_quantity: '160' }, previous_amount: '80.00', amount: '85.00', delta: '5.00' },
    ])
    expect(april.total).toBe('5.00')
  })

  it('leave a period without a threshold invoice alone: the scheduled invoice rates the whole quantity', () => {
    const { thresholds, last } = period(TIERED, '500.00', [[15, '160']], '320')
    expect(thresholds).toEqual([])
    expect(last.record.items[0]!.usage).toEqual({ quantity: '320' })
    expect(last.total).toBe('210.00')
  })

  it('plan nothing before the first period has begun, or for a contract without a threshold', () => {
    const contract = contractOf(TIERED, '100.00')
    expect(planThreshold({ contract, schedule, products, asOf: new Date('2026-02-20T00:00:00Z') })).toBeNull()
    expect(planThreshold({ contract: { ...contract, terms: {} }, schedule, products, asOf: new Date('2026-03-20T00:00:00Z') })).toBeNull()
  })

  // Seeded cases: threshold invoices at each crossing plus the scheduled invoice bill exactly rate(final), to the cent.
  const MODELS: Record<string, Price> = {
    tiered: TIERED,
    per_unit_free: { model: 'per_unit', currency: 'USD', unit_price: '0.333', free_units: '25' },
    package: { model: 'package', currency: 'USD', package_size: '50', package_price: '7.50' },
    percent: { model: 'percent', currency: 'USD', percent: '2.9' },
    graduated_percentage: {
      model: 'graduated_percentage',
      currency: 'USD',
      tiers: [
        { up_to: '1000', percent: '1' },
        { up_to: null, percent: '0.5', flat_fee: '2.00' },
      ],
    },
    tiered_with_flat_fee: {
      model: 'tiered_with_flat_fee',
      currency: 'USD',
      tiers: [
        { up_to: '100', unit_price: '0.10', flat_fee: '5.00' },
        { up_to: null, unit_price: '0.05', flat_fee: '1.00' },
      ],
    },
    line_maximum: { ...TIERED, maximum_amount: '400.00' },
    // Not monotonic: the whole quantity moves to a cheaper tier, so the scheduled invoice may credit.
    volume: VOLUME_1_THEN_040,
  }
  let seed = 20261207
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  for (const [name, price] of Object.entries(MODELS)) {
    it(`add up to one rating of the period's total: ${name}`, () => {
      let issued = 0
      for (let c = 0; c < 40; c++) {
        let q = new Dec(0)
        const checkpoints: [number, string][] = []
        for (let day = 2; day <= 28; day += 1 + Math.floor(next() * 6)) {
          q = q.plus(new Dec(Math.floor(next() * 40000)).dividedBy(100))
          checkpoints.push([day, q.toFixed()])
        }
        const final = q.plus(new Dec(Math.floor(next() * 5000)).dividedBy(100)).toFixed()
        const once = rateItem({ price: { ...price }, usage: { quantity: final }, proration: null }, 'half_up').amount
        // 2 % to 60 % of the period's amount, so a period crosses it from once to many times.
        const threshold = Dec.max(new Dec(once).times(0.02 + next() * 0.58), '0.01').toFixed(2)
        // Now and then a live threshold invoice is voided (any of them, a later one may have built on it).
        const voids = (known: readonly Invoice[]) => {
          const live = known.flatMap((i, at) => (i.status === 'void' ? [] : [at]))
          return live.length > 0 && next() < 0.2 ? live[Math.floor(next() * live.length)] : undefined
        }
        const { thresholds, last } = period(price, threshold, checkpoints, final, voids)
        const billed = thresholds.reduce((acc, i) => acc.plus(i.total), new Dec(last.total))
        expect(billed.toFixed(2), JSON.stringify({ name, checkpoints, final, threshold })).toBe(once)
        // Each invoice crossed the threshold when written (a void before it only adds to what it bills).
        for (const i of thresholds) expect(new Dec(i.total).greaterThanOrEqualTo(threshold)).toBe(true)
        issued += thresholds.length
      }
      // The cases do cross thresholds, more than once a period on average.
      expect(issued).toBeGreaterThan(40)
    })
  }
})
