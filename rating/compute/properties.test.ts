// Property tests with a tiny seeded generator (no extra dependency): each property runs on
// a few hundred generated cases; a failure prints the seed and the case so it can be replayed.
import { describe, expect, it } from 'vitest'
import { drawCredits } from './credits.ts'
import { resolveCurrency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { previewPrice } from './ratePrice.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

/** mulberry32: a 32-bit seeded PRNG; the numbers drive case generation, never amounts. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  const cents = (hi: number) => `${int(0, hi)}.${String(int(0, 99)).padStart(2, '0')}`
  return { next, int, cents }
}

type Gen = ReturnType<typeof rng>
const SEED = 20240501
const CASES = 200

function randomTiers(g: Gen): { bounds: number[]; prices: string[] } {
  const count = g.int(1, 5)
  const bounds: number[] = []
  let b = 0
  for (let i = 0; i < count - 1; i++) {
    b += g.int(1, 60)
    bounds.push(b)
  }
  return { bounds, prices: Array.from({ length: count }, () => g.cents(20)) }
}

function tierDefs(t: { bounds: number[]; prices: string[] }) {
  return t.prices.map((p, i) => ({ up_to: i < t.bounds.length ? String(t.bounds[i]) : null, unit_price: p }))
}

/** Price of unit k (1-based) under (lower, upper] tiers. */
function unitPrice(t: { bounds: number[]; prices: string[] }, k: number): string {
  const i = t.bounds.findIndex((b) => k <= b)
  return t.prices[i === -1 ? t.prices.length - 1 : i] ?? '0'
}

describe(`pricing properties (seed ${SEED})`, () => {
  it('graduated total equals the sum of per-unit pieces, each unit priced by its own tier', () => {
    const g = rng(SEED)
    for (let c = 0; c < CASES; c++) {
      const t = randomTiers(g)
      const q = g.int(0, 250)
      const r = previewPrice({ price: { model: 'tiered', currency: 'USD', tiers: tierDefs(t) }, quantity: String(q) })
      let expected = new Dec(0)
      for (let k = 1; k <= q; k++) expected = expected.plus(unitPrice(t, k))
      expect(r.amount, JSON.stringify({ c, t, q })).toBe(expected.toFixed(2))
      const pieces = r.lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))
      expect(pieces.toFixed(2)).toBe(r.amount)
    }
  })

  it('volume is linear inside each tier, with the tier unit price as slope, including the upper bound', () => {
    const g = rng(SEED + 1)
    for (let c = 0; c < CASES; c++) {
      const t = randomTiers(g)
      const price = { model: 'volume', currency: 'USD', tiers: tierDefs(t) }
      const lowers = [0, ...t.bounds]
      const i = g.int(0, t.prices.length - 1)
      const lower = lowers[i] ?? 0
      const upper = t.bounds[i] ?? lower + 100
      const q1 = lower + 1
      const q2 = upper
      const a = (q: number) => new Dec(previewPrice({ price, quantity: String(q) }).amount)
      const slope = a(q2).minus(a(q1))
      expect(slope.toFixed(2), JSON.stringify({ c, t, i })).toBe(new Dec(t.prices[i] ?? '0').times(q2 - q1).toFixed(2))
      expect(a(q2).toFixed(2)).toBe(new Dec(t.prices[i] ?? '0').times(q2).toFixed(2))
    }
  })

  it('free units never make a quantity or an amount negative, and never exceed the usage', () => {
    const g = rng(SEED + 2)
    const models = ['per_unit', 'package', 'tiered', 'volume', 'tiered_with_flat_fee', 'step', 'graduated_percentage'] as const
    for (let c = 0; c < CASES; c++) {
      const t = randomTiers(g)
      const model = models[g.int(0, models.length - 1)] ?? 'per_unit'
      const q = `${g.int(0, 300)}.${g.int(0, 9)}`
      const free = `${g.int(0, 400)}`
      const flat = tierDefs(t).map((d) => ({ ...d, flat_fee: '1.00' }))
      const price = {
        per_unit: { unit_price: '0.37' },
        package: { package_size: '7', package_price: '2.50', free_units_stage: g.next() < 0.5 ? 'after_package_rounding' : 'after_conversion' },
        tiered: { tiers: tierDefs(t) },
        volume: { tiers: tierDefs(t) },
        tiered_with_flat_fee: { tiers: flat },
        step: { tiers: flat.map(({ up_to, flat_fee }) => ({ up_to, flat_fee })) },
        graduated_percentage: { tiers: flat.map(({ up_to, flat_fee }) => ({ up_to, percent: '2.5', flat_fee })) },
      }[model]
      const r = previewPrice({ price: { model, currency: 'USD', free_units: free, ...price }, quantity: q })
      const ctx = JSON.stringify({ c, model, q, free })
      expect(new Dec(r.amount).isNegative(), ctx).toBe(false)
      for (const l of r.lines) expect(new Dec(l.quantity).isNegative(), ctx).toBe(false)
      if (model !== 'package' || price.free_units_stage !== 'after_package_rounding') {
        expect(r.applied.free_units, ctx).toBe(Dec.min(q, free).toFixed())
      }
    }
  })

  it('credits never overdraw a grant nor take the invoice below zero', () => {
    const g = rng(SEED + 3)
    const usd = resolveCurrency('USD')
    for (let c = 0; c < CASES; c++) {
      const grants = Array.from({ length: g.int(0, 5) }, (_, i) => ({
        id: `g${i}`,
        amount: `${g.int(0, 200)}.${g.int(0, 999)}`,
        priority: g.int(0, 2),
        ...(g.next() < 0.3 ? { expires_at: `2024-0${g.int(1, 3)}-1${g.int(0, 9)}` } : {}),
        ...(g.next() < 0.2 ? { currency: 'EUR' } : {}),
      }))
      const due = new Dec(g.cents(500))
      const { lines, draws } = drawCredits(grants, due, usd, '2024-02-15')
      const ctx = JSON.stringify({ c, grants, due: due.toFixed() })
      let total = new Dec(0)
      for (const d of draws) {
        const grant = grants.find((x) => x.id === d.id)
        expect(d.drawn.lessThanOrEqualTo(grant?.amount ?? '0'), ctx).toBe(true)
        expect(d.remaining.isNegative(), ctx).toBe(false)
        expect(d.drawn.plus(d.remaining).equals(grant?.amount ?? '0'), ctx).toBe(true)
        total = total.plus(d.drawn)
      }
      expect(total.lessThanOrEqualTo(due), ctx).toBe(true)
      expect(due.plus(lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))).isNegative(), ctx).toBe(false)
    }
  })

  it('results do not depend on how a decimal is written ("10", "10.0", "1e1")', () => {
    const g = rng(SEED + 4)
    const spellings = (v: string) => {
      const d = new Dec(v)
      return [d.toFixed(), `${d.toFixed()}${d.isInteger() ? '.0' : '0'}`, d.toExponential(), `+${d.toFixed()}`]
    }
    for (let c = 0; c < CASES / 4; c++) {
      const t = randomTiers(g)
      const q = `${g.int(0, 300)}.${g.int(0, 99)}`
      const price = (up: (s: string) => string) => ({
        model: 'tiered_with_flat_fee',
        currency: 'USD',
        tiers: tierDefs(t).map((d) => ({ up_to: d.up_to === null ? null : up(d.up_to), unit_price: up(d.unit_price), flat_fee: up('2.5') })),
      })
      const results = [0, 1, 2, 3].map((k) => JSON.stringify(previewPrice({ price: price((s) => spellings(s)[k] ?? s), quantity: spellings(q)[k] })))
      expect(new Set(results).size, JSON.stringify({ c, t, q })).toBe(1)
    }
  })

  // Terms that span invoices (issue 18), each invoice fed what the earlier ones used, as a run does.
  const sequence = (g: Gen) => Array.from({ length: g.int(1, 8) }, () => g.cents(300))
  const usageInvoice = (amount: string, extra: Record<string, unknown>) =>
    rateInvoice(
      parseInvoiceInput({ currency: 'USD', as_of: '2026-01-01', lines: [{ id: 'u', price: { model: 'flat_fee', currency: 'USD', amount } }], ...extra }),
    )

  it('a carried-over coupon gives min(value, what the invoices billed) in all, and no invoice goes below zero', () => {
    const g = rng(SEED + 5)
    for (let c = 0; c < CASES / 4; c++) {
      const amounts = sequence(g)
      const value = g.cents(500)
      let used = new Dec(0)
      for (const [i, amount] of amounts.entries()) {
        const coupon = [{ id: 'k', type: 'fixed', value, scope: 'invoice', carry_over: true }]
        const r = usageInvoice(amount, { discounts: coupon, discount_usage: [{ id: 'k', invoices: i, amount: used.toFixed() }] })
        expect(new Dec(r.amount).isNegative(), JSON.stringify({ c, amounts, value })).toBe(false)
        used = used.plus(r.discounts[0]?.amount ?? '0')
      }
      const billed = amounts.reduce((acc, a) => acc.plus(a), new Dec(0))
      expect(used.toFixed(2), JSON.stringify({ c, amounts, value })).toBe(Dec.min(new Dec(value), billed).toFixed(2))
    }
  })

  it('a term commitment bills max(amount, usage) over its window; with an overage factor, f × list above it within a cent an invoice', () => {
    const g = rng(SEED + 6)
    for (let c = 0; c < CASES / 4; c++) {
      const amounts = sequence(g)
      const commit = g.cents(1500)
      const factor = g.int(0, 1) === 0 ? undefined : `1.${g.int(0, 9)}`
      let before = new Dec(0)
      let billed = new Dec(0)
      for (const [i, amount] of amounts.entries()) {
        const tc = {
          amount: commit,
          lines: ['u'],
          billed_before: before.toFixed(),
          true_up: i === amounts.length - 1,
          ...(factor ? { overage_factor: factor } : {}),
        }
        billed = billed.plus(usageInvoice(amount, { term_commitment: tc }).amount)
        before = before.plus(amount)
      }
      const usage = before
      const above = Dec.max(usage.minus(commit), 0)
      const expected = Dec.max(new Dec(commit), usage).plus(above.times(new Dec(factor ?? '1').minus(1)))
      const slack = new Dec('0.01').times(amounts.length)
      expect(billed.minus(expected).abs().lessThanOrEqualTo(slack), JSON.stringify({ c, amounts, commit, factor, billed })).toBe(true)
      if (!factor) expect(billed.toFixed(2)).toBe(expected.toFixed(2))
    }
  })

  it('a free-unit pool frees min(pool, usage) over its window: at 1.00 a unit, the periods bill max(0, Σ q − pool)', () => {
    const g = rng(SEED + 7)
    for (let c = 0; c < CASES / 4; c++) {
      const quantities = Array.from({ length: g.int(1, 12) }, () => String(g.int(0, 500)))
      const pool = String(g.int(0, 3000))
      let used = new Dec(0)
      let billed = new Dec(0)
      for (const q of quantities) {
        const price = { model: 'per_unit', currency: 'USD', unit_price: '1', free_units_pool: { quantity: pool, periods: 12, used: used.toFixed() } }
        const r = previewPrice({ price, quantity: q })
        used = used.plus(r.applied.free_units)
        billed = billed.plus(r.amount)
      }
      const total = quantities.reduce((acc, q) => acc.plus(q), new Dec(0))
      expect(billed.toFixed(2), JSON.stringify({ c, quantities, pool })).toBe(Dec.max(total.minus(pool), 0).toFixed(2))
    }
  })
  it('graduated percentage: the total is round(Σ part × percent / 100 + flat fee of each tier reached), and never falls as the amount grows', () => {
    const g = rng(SEED + 8)
    for (let c = 0; c < CASES; c++) {
      const t = randomTiers(g)
      const percents = t.prices.map(() => `${g.int(0, 5)}.${String(g.int(0, 999)).padStart(3, '0')}`)
      const fees = t.prices.map(() => (g.int(0, 1) === 1 ? g.cents(10) : undefined))
      const tiers = percents.map((p, i) => ({ up_to: i < t.bounds.length ? String(t.bounds[i]) : null, percent: p, ...(fees[i] ? { flat_fee: fees[i] } : {}) }))
      const price = { model: 'graduated_percentage', currency: 'USD', tiers }
      const [a, b] = [g.cents(250), g.cents(250)].sort((x, y) => new Dec(x).comparedTo(y))
      const rate = (q: string) => previewPrice({ price, quantity: q })
      const ctx = JSON.stringify({ c, tiers, a, b })
      let exact = new Dec(0)
      let lower = new Dec(0)
      percents.forEach((p, i) => {
        const upper = i < t.bounds.length ? new Dec(t.bounds[i] ?? 0) : null
        const part = Dec.max(Dec.min(new Dec(b ?? '0'), upper ?? new Dec(b ?? '0')).minus(lower), 0)
        if (part.greaterThan(0)) exact = exact.plus(part.times(p).dividedBy(100)).plus(fees[i] ?? '0')
        lower = upper ?? lower
      })
      const r = rate(b ?? '0')
      expect(r.amount, ctx).toBe(exact.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2))
      expect(r.lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0)).toFixed(2), ctx).toBe(r.amount)
      expect(new Dec(rate(a ?? '0').amount).lessThanOrEqualTo(r.amount), ctx).toBe(true)
    }
  })
})
