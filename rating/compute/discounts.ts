// Discounts: percentage or fixed, on one invoice line, on every line of a product, or on
// the invoice, for a number of periods.
//
// Order (docs/pricing.md "Discounts"): line discounts, then product discounts, then invoice
// discounts; within a scope, in the order given. Each discount applies to what is left of
// its base after the discounts before it, so two 10 % discounts give 19 %, and a fixed
// discount is capped at its base: a discount never makes a line, product or invoice negative.
// Each discount is its own line, rounded to the minor unit (half away from zero, so -0.125
// → -0.13 with half_up).
// Duration: a discount with start_period s and duration_periods d applies to periods
// s … s + d − 1 (period_index counts the contract's billing periods from 0); without
// duration_periods it applies from s on, for good.
// Coupons (their use counted by the caller on the contract's live invoices, `DiscountUsage`, so a
// void gives back what its invoice used): `billed_periods` N applies to the first N invoices the
// discount reduces, whatever their period numbers; `carry_over` makes a fixed discount a balance
// (Lago's fixed coupon): each invoice takes min(value − used, base) and the rest waits for the
// next one. Worked example: 100.00 carried over, invoices of 60.00 and 70.00 → −60.00, then −40.00.
// Cap: a percentage discount with `max_amount` takes at most that much per invoice (one
// billing period's invoice): 20 % of 3,000.00 = 600.00 with max_amount 500.00 → −500.00.
// Allocation: each discount line carries its share of every line it reduces (`allocations`, by
// position), so each line has a net amount for tax and revenue schedules: shares by what each
// line still has after earlier discounts, rounded down to the minor unit, the units left going
// to the largest remainders (then the first line), so they add up to the discount exactly.
// 10 % off 100.00 + 33.33 + 66.67 = −20.00 → −10.00, −3.33, −6.67.
// Worked example: line "api" 200.00 with 10 % off, invoice 300.00 in all, then 50.00 off the
// invoice: api discount -20.00 → 280.00; invoice discount -50.00 → 230.00.
import { z } from 'zod'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, minDec, nonNegativeDecimal, sum } from './decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import type { Line } from './lines.ts'
import { roundMoney } from './rounding.ts'
import type { RoundingMode } from './rounding.ts'

export const discountSchema = z
  .strictObject({
    id: z.string().min(1),
    type: z.enum(['percentage', 'fixed']),
    /** Percent ("10" = 10 %) for percentage discounts, an amount for fixed ones. */
    value: nonNegativeDecimal,
    scope: z.enum(['line', 'product', 'invoice']),
    /**
     * The invoice line id (scope line) or product (scope product). A contract's product
     * discount names the product by id or by name; a contract cannot hold a line discount,
     * since line ids are made by rating runs (`discountTargetProblems`).
     */
    target: z.string().min(1).optional(),
    start_period: z.number().int().min(0).default(0),
    duration_periods: z.number().int().min(1).optional(),
    /** Percentage discounts only: the most it takes off one invoice (Zenskar's maximum discount). */
    max_amount: nonNegativeDecimal.optional(),
    /** A recurring coupon: the first N invoices it reduces, counted on live invoices (a void does not use one). */
    billed_periods: z.number().int().min(1).optional(),
    /** Fixed discounts only: the value is a balance, what one invoice does not use carries to the next. */
    carry_over: z.boolean().optional(),
  })
  .superRefine((d, ctx) => {
    if (d.scope !== 'invoice' && d.target === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `a ${d.scope} discount needs a target`, params: { code: 'discount_target_required' } })
    }
    if (d.type === 'percentage' && isDecimalText(d.value) && new Dec(d.value).greaterThan(100)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percentage discount is at most 100', params: { code: 'discount_over_100_percent' } })
    }
    if (d.type === 'fixed' && d.max_amount !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_amount'],
        message: 'a fixed discount takes its value; max_amount caps percentage discounts only',
        params: { code: 'discount_cap_not_supported' },
      })
    }
    if (d.billed_periods !== undefined && d.duration_periods !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['billed_periods'],
        message: 'give either duration_periods (periods by number) or billed_periods (the first invoices it reduces), not both',
        params: { code: 'discount_duration_conflict' },
      })
    }
    if (d.type === 'percentage' && d.carry_over === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['carry_over'],
        message: 'only a fixed discount has a balance to carry over; use billed_periods to repeat a percentage',
        params: { code: 'discount_carry_over_not_supported' },
      })
    }
  })
export type Discount = z.infer<typeof discountSchema>

/** What the contract's other live invoices used of a coupon: how many it reduced, and by how much in all. */
export const discountUsageSchema = z.strictObject({ id: z.string().min(1), invoices: z.number().int().min(0), amount: nonNegativeDecimal })
export type DiscountUsage = z.infer<typeof discountUsageSchema>

/** Whether a coupon is one whose use is counted across invoices. */
export function isCoupon(d: Pick<Discount, 'billed_periods' | 'carry_over'>): boolean {
  return d.billed_periods !== undefined || d.carry_over === true
}

export function discountActive(d: Discount, periodIndex: number): boolean {
  if (periodIndex < d.start_period) return false
  return d.duration_periods === undefined || periodIndex < d.start_period + d.duration_periods
}

/** A product a contract sells: what a product discount may name. */
export interface TargetProduct {
  id: string
  name: string
}

/** Why each of a contract's discounts could never apply, at `terms.discounts[i].…`; empty when all can. */
export function discountTargetProblems(
  discounts: readonly Pick<Discount, 'scope' | 'target'>[],
  products: readonly TargetProduct[],
): { field: string; code: string; message: string }[] {
  const problems: { field: string; code: string; message: string }[] = []
  discounts.forEach((d, i) => {
    if (d.scope === 'line') {
      problems.push({
        field: `discounts[${i}].scope`,
        code: 'discount_scope_not_supported',
        message: 'invoice line ids are made by rating runs, so a contract cannot name one; use scope product with the product id or name',
      })
    } else if (d.scope === 'product' && !products.some((p) => p.id === d.target || p.name === d.target)) {
      problems.push({
        field: `discounts[${i}].target`,
        code: 'discount_target_not_found',
        message: `${d.target} is neither the id nor the name of a product this contract sells (${products.map((p) => p.name).join(', ')})`,
      })
    }
  })
  return problems
}

/**
 * The discounts with each product target written as the name the invoice's lines carry, so a
 * target given as a product id applies exactly like one given as its name.
 */
export function discountsFor(discounts: readonly Discount[], products: readonly TargetProduct[]): Discount[] {
  return discounts.map((d) => {
    const byId = d.scope === 'product' ? products.find((p) => p.id === d.target) : undefined
    return byId ? { ...d, target: byId.name } : d
  })
}

const SCOPE_ORDER = { line: 0, product: 1, invoice: 2 } as const

/** Appends discount lines for the active discounts; returns the new lines. */
export function applyDiscounts(opts: {
  lines: Line[]
  discounts: readonly Discount[]
  periodIndex: number
  currency: Currency
  mode: RoundingMode
  usage?: readonly DiscountUsage[]
}): Line[] {
  const added: Line[] = []
  const usedOf = (id: string) => opts.usage?.find((u) => u.id === id)
  const ordered = opts.discounts.map((d, i) => ({ d, i })).sort((a, b) => SCOPE_ORDER[a.d.scope] - SCOPE_ORDER[b.d.scope] || a.i - b.i)
  for (const { d } of ordered) {
    if (!discountActive(d, opts.periodIndex)) continue
    const used = usedOf(d.id)
    if (d.billed_periods !== undefined && (used?.invoices ?? 0) >= d.billed_periods) continue
    const all = [...opts.lines, ...added]
    const inScope = all.filter((l) => d.scope === 'invoice' || (d.scope === 'line' ? l.line_id === d.target : l.product === d.target))
    const base = sum(inScope.map((l) => l.amount))
    if (!base.greaterThan(0)) continue
    const value = d.carry_over ? new Dec(d.value).minus(used?.amount ?? '0') : new Dec(d.value)
    if (!value.greaterThan(0)) continue
    const raw = d.type === 'percentage' ? base.times(value).dividedBy(100) : value
    const capped = d.max_amount === undefined ? raw : minDec(raw, new Dec(d.max_amount))
    const amount = minDec(roundMoney(capped, opts.currency, opts.mode), base)
    if (amount.isZero()) continue
    const what =
      d.type === 'percentage'
        ? `${formatPlain(value)} %${d.max_amount === undefined ? '' : ` (at most ${formatPlain(d.max_amount)})`}`
        : d.carry_over
          ? `${formatPlain(amount)} of ${formatPlain(value)} left`
          : formatPlain(value)
    const line: Line = {
      kind: 'discount',
      description: `Discount ${d.id}: ${what} off ${d.scope}${d.target ? ` ${d.target}` : ''}`,
      quantity: new Dec(1),
      amount: amount.negated(),
      discount_id: d.id,
    }
    if (d.scope === 'line') {
      line.line_id = d.target
      // Carry the product so a later product discount sees this line discount in its base.
      const product = opts.lines.find((l) => l.line_id === d.target)?.product
      if (product !== undefined) line.product = product
    }
    if (d.scope === 'product') line.product = d.target
    line.allocations = allocate(amount, all, inScope, opts.currency).map((a) => ({ line: a.line, amount: a.amount.negated() }))
    added.push(line)
  }
  return added
}

/** Shares of `amount` over the non-discount lines in scope, by what earlier discounts left of each (largest remainder). */
function allocate(amount: Dec, all: readonly Line[], inScope: readonly Line[], currency: Currency): { line: number; amount: Dec }[] {
  const net = all.map((l) => l.amount)
  for (const l of all) for (const a of l.allocations ?? []) net[a.line] = net[a.line]!.minus(a.amount.negated())
  const targets = all.flatMap((l, i) => (l.kind !== 'discount' && inScope.includes(l) && net[i]!.greaterThan(0) ? [i] : []))
  const weight = sum(targets.map((i) => net[i]!))
  const unit = new Dec(1).dividedBy(new Dec(10).pow(currency.minorUnits))
  const shares = targets.map((i) => {
    const exact = amount.times(net[i]!).dividedBy(weight)
    const down = exact.toDecimalPlaces(currency.minorUnits, Dec.ROUND_DOWN)
    return { line: i, amount: down, remainder: exact.minus(down) }
  })
  let left = amount.minus(sum(shares.map((s) => s.amount)))
  for (const s of [...shares].sort((a, b) => b.remainder.comparedTo(a.remainder) || a.line - b.line)) {
    if (!left.greaterThan(0)) break
    s.amount = s.amount.plus(unit)
    left = left.minus(unit)
  }
  return shares.map(({ line, amount: a }) => ({ line, amount: a }))
}
