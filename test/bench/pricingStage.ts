// Stage 13 (issue 18): pricing throughput. For each model, prices rated per second by
// rating/compute (ratePriceLines on a parsed definition: quantity pipeline, the model's lines,
// rounding, line minimum/maximum) ÷ a plain decimal.js loop doing the same arithmetic with no
// lines, labels or checks. In-process, one core, rounds alternating which side goes first.
import { Dec } from '../../platform/decimal.ts'
import { parsePriceDefinition } from '../../rating/compute/priceDefinition.ts'
import { ratePriceLines } from '../../rating/compute/ratePrice.ts'
import type { Usage } from '../../rating/compute/usageInput.ts'
import { pricingExample } from '../../rating/http/pricingRoutes.ts'
import type { Stage } from './stages.ts'
import { fmt, summarize } from './stats.ts'

/** Prices rated per round and side. */
const PRICES = 20_000

interface Case {
  model: string
  price: Record<string, unknown>
  usage: Usage
  /** The same amount, computed the plain way. */
  plain(): Dec
}

const money = (d: Dec) => d.toDecimalPlaces(2, Dec.ROUND_HALF_UP)
const txs = ['10.00', '100.00', '500.00', '1.00', '42.50']
/** pricingExample's tiers, for the plain loop. */
const tiers = [
  { up: new Dec(500), p: new Dec('2.00') },
  { up: new Dec(2000), p: new Dec('1.50') },
  { up: null, p: new Dec('1.00') },
]

/** pricingExample's graduated amount for `q`, each tier's line rounded. */
function graduated(q: Dec): Dec {
  let lower = new Dec(0)
  let total = new Dec(0)
  for (const t of tiers) {
    const top = t.up === null ? q : Dec.min(q, t.up)
    if (top.greaterThan(lower)) total = total.plus(money(top.minus(lower).times(t.p)))
    lower = t.up ?? lower
  }
  return total
}

export const CASES: Case[] = [
  { model: 'flat_fee', price: { model: 'flat_fee', currency: 'USD', amount: '500.00' }, usage: {}, plain: () => money(new Dec('500.00')) },
  {
    model: 'per_unit',
    price: { model: 'per_unit', currency: 'USD', unit_price: '0.05' },
    usage: { quantity: '1234' },
    plain: () => money(new Dec('1234').times('0.05')),
  },
  {
    model: 'package',
    price: { model: 'package', currency: 'USD', package_size: '100', package_price: '5.00' },
    usage: { quantity: '201' },
    plain: () => money(new Dec('201').dividedBy(100).ceil().times('5.00')),
  },
  {
    model: 'percent',
    price: { model: 'percent', currency: 'USD', percent: '2.9', fixed_fee: '0.30', min_per_transaction: '0.50', max_per_transaction: '5.00' },
    usage: { transactions: txs },
    plain: () => {
      let total = new Dec(0)
      for (const t of txs) total = total.plus(Dec.min(Dec.max(new Dec(t).times('0.029').plus('0.30'), '0.50'), '5.00'))
      return money(total)
    },
  },
  {
    model: 'graduated_percentage',
    price: {
      model: 'graduated_percentage',
      currency: 'USD',
      tiers: [
        { up_to: '1000', percent: '1' },
        { up_to: '5000', percent: '0.5', flat_fee: '2.00' },
        { up_to: null, percent: '0.2', flat_fee: '5.00' },
      ],
    },
    usage: { quantity: '7250.00' },
    // Issue 18's example, rounded once: 10.00 + 20.00 + 2.00 + 4.50 + 5.00 = 41.50.
    plain: () => money(new Dec(1000).times('0.01').plus(new Dec(4000).times('0.005')).plus('2.00').plus(new Dec(2250).times('0.002')).plus('5.00')),
  },
  {
    model: 'tiered',
    price: pricingExample.price,
    usage: { quantity: '1500' },
    plain: () => graduated(new Dec(1500)),
  },
  // Issue 18's progressive rating: the same tiers with a free-unit pool 800 of 1,000 used
  // (1,500 − 200 free = 1,300 priced), and 300 units on top of 1,200 billed (rate(1,500) − rate(1,200)).
  {
    model: 'tiered + free_units_pool',
    price: { ...pricingExample.price, free_units_pool: { quantity: '1000', periods: 12, used: '800' } },
    usage: { quantity: '1500' },
    plain: () => graduated(new Dec(1300)),
  },
  {
    model: 'tiered, billed_quantity',
    price: pricingExample.price,
    usage: { quantity: '300', billed_quantity: '1200' },
    plain: () => graduated(new Dec(1500)).minus(graduated(new Dec(1200))),
  },
  {
    model: 'matrix',
    price: {
      model: 'matrix',
      currency: 'USD',
      dimensions: ['region'],
      cells: [
        { when: { region: 'us' }, unit_price: '0.10' },
        { when: { region: 'eu' }, unit_price: '0.12' },
      ],
    },
    usage: {
      quantities: [
        { dimensions: { region: 'us' }, quantity: '100' },
        { dimensions: { region: 'eu' }, quantity: '50' },
      ],
    },
    plain: () => {
      const cells = new Map([
        ['us', new Dec('0.10')],
        ['eu', new Dec('0.12')],
      ])
      return money(new Dec(100).times(cells.get('us')!)).plus(money(new Dec(50).times(cells.get('eu')!)))
    },
  },
]

/** Prices per second over `PRICES` calls of `fn`. */
function perSecond(fn: () => unknown): number {
  const started = performance.now()
  for (let i = 0; i < PRICES; i++) fn()
  return PRICES / ((performance.now() - started) / 1000)
}

export const pricingStage: Stage = {
  id: '13',
  title: 'Pricing throughput: prices rated per second per model ÷ a plain decimal.js loop',
  async run(ctx) {
    const notes: string[] = []
    for (const c of CASES) {
      const price = parsePriceDefinition(c.price)
      const rated = () => ratePriceLines(price, c.usage)
      const amount = rated().lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))
      // The two sides must agree, or the ratio compares different work.
      if (!amount.equals(c.plain())) throw new Error(`${c.model}: rating/compute gives ${amount.toFixed()}, the plain loop ${c.plain().toFixed()}`)
      const ours: number[] = []
      const plain: number[] = []
      perSecond(rated)
      perSecond(c.plain)
      for (let round = 1; round <= ctx.opts.rounds; round++) {
        if (round % 2 === 1) {
          ours.push(perSecond(rated))
          plain.push(perSecond(c.plain))
        } else {
          plain.push(perSecond(c.plain))
          ours.push(perSecond(rated))
        }
      }
      const [o, p] = [summarize(ours).median, summarize(plain).median]
      const line = `${c.model}: ${fmt(o)} prices/s vs ${fmt(p)} plain decimal.js (${(o / p).toFixed(2)}×), medians of ${ctx.opts.rounds} rounds of ${PRICES}`
      ctx.log(`  ${line}`)
      notes.push(line)
    }
    return { comparisons: [], notes }
  },
}
