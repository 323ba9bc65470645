// Tier bounds: the one place where tier notation is read, checked and normalised.
//
// Every tier is normalised to the interval (lower, upper]: lower bound EXCLUSIVE, upper
// bound INCLUSIVE, the first lower bound 0, the last tier open-ended (upper = null).
// Two input notations are accepted, both normalised to that:
//   - `up_to` (Stripe's notation): { up_to: "100" }, { up_to: "500" }, { up_to: null }
//     → (0, 100], (100, 500], (500, ∞).
//   - inclusive unit ranges (Zenskar's and Lago's tables, "1–100, 101–500, 501+"):
//     { first_unit: "1", last_unit: "100" }, { first_unit: "101", last_unit: "500" },
//     { first_unit: "501", last_unit: null } → the same three intervals.
// NOTE: in range notation a fractional quantity between two ranges (100.5, between 100 and
// 101) belongs to the NEXT tier, because the normalised bound is (100, 500]. Lago settled
// the same way (getlago/lago-api#1699: 5.5 with tiers 0–5, 6–10 rates at the 6–10 tier).
// Gaps ("1–100, 150–500") and overlaps ("0–50000, 50000–100000") are refused with the
// field path of the offending bound rather than guessed at.
import { z } from 'zod'
import { Dec } from '../../platform/decimal.ts'
import { nonNegativeDecimal } from './decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'

/** Bound fields shared by every tier schema; exactly one notation per price. */
export const tierBoundFields = {
  up_to: nonNegativeDecimal.nullable().optional(),
  first_unit: nonNegativeDecimal.optional(),
  last_unit: nonNegativeDecimal.nullable().optional(),
}

export interface TierBoundsInput {
  up_to?: string | null | undefined
  first_unit?: string | undefined
  last_unit?: string | null | undefined
}

export interface TierIssue {
  path: (string | number)[]
  code: string
  message: string
}

export interface NormalisedTier<T> {
  /** 1-based position, as printed on invoices ("tier 2"). */
  index: number
  /** Exclusive lower bound. */
  lower: Dec
  /** Inclusive upper bound; null for the open-ended last tier. */
  upper: Dec | null
  tier: T
}

function upperOf(t: TierBoundsInput): string | null | undefined {
  return t.first_unit !== undefined ? t.last_unit : t.up_to
}

/** Every problem with a list of tiers, each at the path of the bound that causes it. */
export function tierIssues(tiers: readonly TierBoundsInput[]): TierIssue[] {
  const issues: TierIssue[] = []
  // Unreadable bounds are already reported by their field schema; ordering needs numbers.
  const readable = (v: unknown) => v === undefined || v === null || isDecimalText(v)
  if (!tiers.every((t) => readable(t.up_to) && readable(t.first_unit) && readable(t.last_unit))) return issues
  const ranges = tiers.some((t) => t.first_unit !== undefined)
  tiers.forEach((t, i) => {
    const hasUpTo = t.up_to !== undefined
    const hasRange = t.first_unit !== undefined || t.last_unit !== undefined
    if (hasUpTo && hasRange) issues.push({ path: [i], code: 'mixed_tier_notation', message: 'use either up_to or first_unit/last_unit, not both' })
    else if (ranges !== hasRange || (!hasUpTo && !hasRange)) {
      issues.push({ path: [i], code: 'mixed_tier_notation', message: 'every tier must use the same notation: all up_to, or all first_unit/last_unit' })
    }
    if (hasRange && (t.first_unit === undefined || t.last_unit === undefined)) {
      issues.push({
        path: [i, t.first_unit === undefined ? 'first_unit' : 'last_unit'],
        code: 'missing_tier_bound',
        message: 'range tiers need both first_unit and last_unit (null for the last tier)',
      })
    }
  })
  if (issues.length > 0) return issues

  const upperField = ranges ? 'last_unit' : 'up_to'
  let previous = new Dec(0)
  // After a bound that cannot be read as whole units, later gap/overlap checks would only
  // repeat the same mistake, so they are skipped.
  let broken = false
  tiers.forEach((t, i) => {
    if (broken) return
    const last = i === tiers.length - 1
    const upper = upperOf(t)
    if (ranges) {
      const first = new Dec(t.first_unit ?? '0')
      const bounds = [first, ...(upper == null ? [] : [new Dec(upper)])]
      if (bounds.some((b) => !b.isInteger())) {
        issues.push({
          path: [i, 'first_unit'],
          code: 'non_integer_range_bound',
          message: 'inclusive unit ranges take whole units; use up_to for fractional bounds',
        })
        broken = true
        return
      }
      const expected = i === 0 ? null : previous.plus(1)
      if (i === 0 && !first.lessThanOrEqualTo(1)) {
        issues.push({ path: [i, 'first_unit'], code: 'tier_gap', message: `the first tier must start at unit 0 or 1, not ${first.toFixed()}` })
      } else if (expected && first.greaterThan(expected)) {
        issues.push({
          path: [i, 'first_unit'],
          code: 'tier_gap',
          message: `gap: the previous tier ends at ${previous.toFixed()}, so this tier must start at ${expected.toFixed()}, not ${first.toFixed()}`,
        })
      } else if (expected && first.lessThan(expected)) {
        issues.push({
          path: [i, 'first_unit'],
          code: 'tier_overlap',
          message: `overlap: the previous tier already includes unit ${previous.toFixed()}, so this tier must start at ${expected.toFixed()}, not ${first.toFixed()}`,
        })
      }
      if (upper != null && new Dec(upper).lessThan(first)) {
        issues.push({ path: [i, 'last_unit'], code: 'tier_overlap', message: 'last_unit is below first_unit' })
      }
    }
    if (upper === null || upper === undefined) {
      if (!last) issues.push({ path: [i, upperField], code: 'open_tier_not_last', message: 'only the last tier may be open-ended (null)' })
      return
    }
    if (last) {
      issues.push({
        path: [i, upperField],
        code: 'last_tier_not_open',
        message: `the last tier must be open-ended (${upperField}: null) so every quantity has a price`,
      })
      return
    }
    const u = new Dec(upper)
    if (!u.greaterThan(previous)) {
      issues.push({
        path: [i, upperField],
        code: 'tier_overlap',
        message: `must be greater than ${previous.toFixed()}, the upper bound of the previous tier (bounds are lower-exclusive, upper-inclusive)`,
      })
    }
    previous = u
  })
  return issues
}

/** A zod array of tiers that reports every bound problem at its path. */
export function tierArray<T extends z.ZodType<TierBoundsInput>>(tier: T) {
  return z
    .array(tier)
    .min(1, { message: 'at least one tier is required' })
    .superRefine((tiers, ctx) => {
      for (const issue of tierIssues(tiers)) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, params: { code: issue.code } })
      }
    })
}

/** Normalises validated tiers to (lower, upper] intervals. */
export function normaliseTiers<T extends TierBoundsInput>(tiers: readonly T[]): NormalisedTier<T>[] {
  let lower = new Dec(0)
  return tiers.map((tier, i) => {
    const raw = upperOf(tier)
    const upper = raw == null ? null : new Dec(raw)
    const normalised = { index: i + 1, lower, upper, tier }
    if (upper) lower = upper
    return normalised
  })
}

/**
 * The tier whose interval contains the quantity: lower < q ≤ upper. Zero (and anything at
 * or below the first lower bound) belongs to the first tier.
 * Worked example, tiers up_to 5, 10, null: q=5 → tier 1; q=5.01 → tier 2; q=10 → tier 2.
 */
export function tierFor<T>(tiers: readonly NormalisedTier<T>[], quantity: Dec): NormalisedTier<T> {
  const found = tiers.find((t) => t.upper === null || quantity.lessThanOrEqualTo(t.upper))
  // tierIssues guarantees an open last tier, so `found` always exists.
  return found ?? (tiers[tiers.length - 1] as NormalisedTier<T>)
}

/** Units of `quantity` that fall inside a tier's interval (graduated pricing). */
export function unitsInTier(tier: NormalisedTier<unknown>, quantity: Dec): Dec {
  const top = tier.upper === null || quantity.lessThan(tier.upper) ? quantity : tier.upper
  const units = top.minus(tier.lower)
  return units.isNegative() ? new Dec(0) : units
}
