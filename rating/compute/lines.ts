// The shape of a rated result. Inside compute, lines carry decimals; at the boundary every
// decimal becomes a string (DESIGN invariant 3) and the total is the exact sum of the lines.
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, sum } from './decimal.ts'
import type { Currency } from './currency.ts'
import { formatMoney, roundMoney } from './rounding.ts'
import type { RoundingMode } from './rounding.ts'

/** What a line is, so an invoice renderer or ledger can group lines without parsing text. */
export type LineKind =
  | 'usage'
  | 'flat_fee'
  | 'line_minimum'
  | 'line_maximum'
  | 'discount'
  | 'minimum_commitment'
  | 'commitment_overage'
  | 'prepayment'
  | 'prepaid_drawdown'
  | 'maximum_spend'
  | 'billed_elsewhere'
  | 'credit'
  | 'rounding'

/** A line inside compute: amount exact until `roundLine` fixes it to the minor unit. */
export interface Line {
  kind: LineKind
  description: string
  quantity: Dec
  unit_price?: Dec
  /** 1-based tier number for tiered, volume and step prices. */
  tier?: number
  amount: Dec
  /** The invoice line this one belongs to (set by rateInvoice). */
  line_id?: string
  product?: string
  /** Lines that show the parts of one charge (a percent price's percentage, fixed fees and
   *  clamps) share this key: `roundLines` rounds them so they add up to the rounded charge. */
  partOf?: string
  /** A discount line: the discount's id, so a coupon's use can be counted (discounts.ts). */
  discount_id?: string
  /** A discount line's share of each line it reduces (by position), adding up to its amount (discounts.ts). */
  allocations?: { line: number; amount: Dec }[]
}

export interface PriceLine {
  kind: LineKind
  description: string
  quantity: string
  unit_price?: string
  tier?: number
  amount: string
  line_id?: string
  product?: string
  allocations?: { line: number; amount: string }[]
}

export interface Applied {
  /** Free units taken off the quantity before pricing, in the units they are declared in. */
  free_units: string
  /** Credits drawn down (a positive amount). */
  credits: string
  /** Discounts given (a positive amount). */
  discounts: string
  /** Minimum top-ups added: line minimums and commitment true-ups (a positive amount). */
  minimum: string
}

export interface PriceResult {
  amount: string
  currency: string
  lines: PriceLine[]
  applied: Applied
}

/** Rounds a line's amount to the currency's minor unit (rounding point 2 of rounding.ts). */
export function roundLine(line: Line, currency: Currency, mode: RoundingMode): Line {
  return { ...line, amount: roundMoney(line.amount, currency, mode) }
}

/**
 * Rounds every line (rounding point 2). Lines of one charge (`partOf`) are rounded by their
 * running sum, each getting round(S_k) − round(S_k−1), so together they are exactly the rounded
 * charge and each is within one minor unit of its exact part. Worked example (issue 18): 2.5 %
 * of 5.00 with a 0.50 minimum is 0.125 + 0.375: rounded alone 0.13 + 0.38 = 0.51; as parts
 * 0.13 and round(0.50) − 0.13 = 0.37, total 0.50.
 */
export function roundLines(lines: readonly Line[], currency: Currency, mode: RoundingMode): Line[] {
  const sums = new Map<string, { exact: Dec; rounded: Dec }>()
  return lines.map((line) => {
    if (line.partOf === undefined) return roundLine(line, currency, mode)
    const before = sums.get(line.partOf) ?? { exact: new Dec(0), rounded: new Dec(0) }
    const exact = before.exact.plus(line.amount)
    const rounded = roundMoney(exact, currency, mode)
    sums.set(line.partOf, { exact, rounded })
    return { ...line, amount: rounded.minus(before.rounded) }
  })
}

export function totalOf(lines: readonly Line[]): Dec {
  return sum(lines.map((l) => l.amount))
}

export function formatLine(line: Line, currency: Currency, lineScale?: number): PriceLine {
  const scaled = lineScale === undefined ? currency : { ...currency, minorUnits: lineScale }
  const out: PriceLine = {
    kind: line.kind,
    description: line.description,
    quantity: formatPlain(line.quantity),
    amount: formatMoney(line.amount, scaled),
  }
  if (line.unit_price !== undefined) out.unit_price = formatPlain(line.unit_price)
  if (line.tier !== undefined) out.tier = line.tier
  if (line.line_id !== undefined) out.line_id = line.line_id
  if (line.product !== undefined) out.product = line.product
  if (line.allocations !== undefined) out.allocations = line.allocations.map((a) => ({ line: a.line, amount: formatMoney(a.amount, scaled) }))
  return out
}

export interface AppliedTotals {
  free_units: Dec
  credits: Dec
  discounts: Dec
  minimum: Dec
}

export function emptyApplied(): AppliedTotals {
  return { free_units: new Dec(0), credits: new Dec(0), discounts: new Dec(0), minimum: new Dec(0) }
}

/** Builds the boundary result; the amount is the exact sum of the already-rounded lines. */
export function formatResult(lines: readonly Line[], currency: Currency, applied: AppliedTotals, lineScale?: number): PriceResult {
  return {
    amount: formatMoney(totalOf(lines), currency),
    currency: currency.code,
    lines: lines.map((l) => formatLine(l, currency, lineScale)),
    applied: {
      free_units: formatPlain(applied.free_units),
      credits: formatMoney(applied.credits, currency),
      discounts: formatMoney(applied.discounts, currency),
      minimum: formatMoney(applied.minimum, currency),
    },
  }
}
