// Contract-level commitments and the invoice maximum.
//
// - Minimum commitment: when the period's billed amount falls short of the commitment, a
//   true-up line bills the difference. Worked example: commitment 1,000.00, usage 640.00 →
//   true-up 360.00, invoice 1,000.00; usage 1,200.00 → no true-up.
// - Prepaid commitment with postpaid overages: the customer prepaid `amount` for the period;
//   usage up to it is drawn from the prepayment, usage above it is billed in arrears.
//   With invoice_prepayment = true the prepayment itself is billed on this invoice too.
//   Worked example: prepaid 1,000.00, usage 1,250.00 → drawdown -1,000.00, overage billed
//   250.00. Unused prepayment is forfeited at the period's end (no rollover, no refund).
// - Maximum spend: the invoice never exceeds `maximum_spend`; a cap line takes off the rest.
//
// NOTE: the basis is every line so far except a prepayment line, in the invoice's step order
// (rateInvoice.ts): with the default order discounts come first, so a commitment is
// measured on the discounted amount.
// NOTE (rounding before the true-up, an explicit option): `basis: 'rounded'` (default)
// compares the commitment with the sum of rounded lines, so the invoice total is never
// below the commitment; `basis: 'unrounded'` compares it with the exact, unrounded usage
// and rounds the true-up: three lines of 33.333 (rounded 33.33 each) against 100.00 give a
// 0.01 true-up with 'rounded' but 0.001 → 0.00 with 'unrounded', leaving the invoice at 99.99.
import { z } from 'zod'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, maxDec, minDec, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import { roundMoney } from './rounding.ts'
import type { RoundingMode } from './rounding.ts'

export const commitmentSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('minimum'),
    amount: nonNegativeDecimal,
    basis: z.enum(['rounded', 'unrounded']).optional(),
  }),
  z.strictObject({
    kind: z.literal('prepaid'),
    amount: nonNegativeDecimal,
    invoice_prepayment: z.boolean().optional(),
  }),
])
export type Commitment = z.infer<typeof commitmentSchema>

export interface CommitmentContext {
  lines: readonly Line[]
  /** Commitment amount after proration, unrounded. */
  amount: Dec
  /** Sum of the usage lines before rounding (for basis 'unrounded'). */
  unroundedUsage: Dec
  /** Sum of the rounded usage lines. */
  roundedUsage: Dec
  currency: Currency
  mode: RoundingMode
}

function basisOf(lines: readonly Line[]): Dec {
  return lines.filter((l) => l.kind !== 'prepayment').reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
}

export function applyCommitment(c: Commitment, ctx: CommitmentContext): Line[] {
  const amount = roundMoney(ctx.amount, ctx.currency, ctx.mode)
  const basis = basisOf(ctx.lines)
  if (c.kind === 'minimum') {
    // 'unrounded' swaps the rounded usage for the exact usage, keeping every other line.
    const measured = c.basis === 'unrounded' ? basis.minus(ctx.roundedUsage).plus(ctx.unroundedUsage) : basis
    const shortfall = roundMoney(ctx.amount.minus(measured), ctx.currency, ctx.mode)
    if (!shortfall.greaterThan(0)) return []
    return [{ kind: 'minimum_commitment', description: `Minimum commitment ${formatPlain(amount)}: true-up`, quantity: new Dec(1), amount: shortfall }]
  }
  const lines: Line[] = []
  if (c.invoice_prepayment) {
    lines.push({ kind: 'prepayment', description: `Prepaid commitment ${formatPlain(amount)}`, quantity: new Dec(1), amount })
  }
  const covered = minDec(maxDec(basis, new Dec(0)), amount)
  if (covered.greaterThan(0)) {
    lines.push({
      kind: 'prepaid_drawdown',
      description: `Usage covered by the prepaid commitment (${formatPlain(amount)})`,
      quantity: new Dec(1),
      amount: covered.negated(),
    })
  }
  return lines
}

export function applyMaximumSpend(maximum: Dec, lines: readonly Line[]): Line[] {
  const total = lines.reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
  if (!total.greaterThan(maximum)) return []
  return [{ kind: 'maximum_spend', description: `Maximum spend ${formatPlain(maximum)}`, quantity: new Dec(1), amount: maximum.minus(total) }]
}
