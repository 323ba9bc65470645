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
// - Overage factor (minimum commitments): spend above the amount bills (factor − 1) × that part
//   more, as its own `commitment_overage` line, so it costs factor × list. Worked example:
//   minimum 1,000.00 with overage_factor 1.2, usage 1,500.00 → overage 500.00 × 0.2 = 100.00.
// - Maximum spend: the invoice never exceeds `maximum_spend`; a cap line takes off the rest.
//
// NOTE: the basis is every line so far except a prepayment line, in the invoice's step order
// (rateInvoice.ts): with the default order discounts come first, so a commitment is
// measured on the discounted amount.
// The committed service period (`period`): a contract's invoice bills the period that ended in
// arrears and the next one in advance, and a commitment is per period of service, so it
// measures only the lines of the period that ended plus what earlier invoices billed for that
// same period (its fees in advance), never the next period's fee. A discount, or a rounding
// line, that applies to lines of both periods counts in proportion to the committed period's
// share of the lines it applies to. Worked example: fee 100.00 in advance, minimum 150.00,
// January usage 30.00: the invoice of February 1st bills 30.00 + February's fee 100.00 and a
// January true-up of max(0, 150.00 − (100.00 billed before + 30.00)) = 20.00, not
// 150.00 − (30.00 + 100.00 of February) taken from the wrong period.
// A prepaid commitment draws down only this invoice's lines of the period, up to what is left of
// the prepayment after the period's earlier charges.
// NOTE (rounding before the true-up, an explicit option): `basis: 'rounded'` (default)
// compares the commitment with the sum of rounded lines, so the invoice total is never
// below the commitment; `basis: 'unrounded'` compares it with the exact, unrounded usage
// and rounds the true-up: three lines of 33.333 (rounded 33.33 each) against 100.00 give a
// 0.01 true-up with 'rounded' but 0.001 → 0.00 with 'unrounded', leaving the invoice at 99.99.
import { z } from 'zod'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { decimalString, formatPlain, maxDec, minDec, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import { roundMoney } from './rounding.ts'
import type { RoundingMode } from './rounding.ts'

/** A multiplier of list price of at least 1: "1.2" bills spend above the commitment at 120 %. */
export const overageFactor = decimalString.refine((s) => !isDecimalText(s) || new Dec(s).greaterThanOrEqualTo(1), {
  message: 'must be 1 or more (1.2 bills spend above the commitment at 120 % of list)',
  params: { code: 'invalid_overage_factor' },
})

export const commitmentSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('minimum'),
    amount: nonNegativeDecimal,
    basis: z.enum(['rounded', 'unrounded']).optional(),
    overage_factor: overageFactor.optional(),
  }),
  z.strictObject({
    kind: z.literal('prepaid'),
    amount: nonNegativeDecimal,
    invoice_prepayment: z.boolean().optional(),
  }),
])
export type Commitment = z.infer<typeof commitmentSchema>

export const servicePeriodSchema = z.strictObject({
  /** The invoice lines that bill the service period the commitment and the maximum spend measure. */
  lines: z.array(z.string().min(1)),
  /** What earlier invoices billed for the same period (its fees in advance), after their discounts. */
  billed_before: nonNegativeDecimal,
})

/** The service period inside compute: its line ids and its charges billed before this invoice. */
export interface ServicePeriod {
  lines: ReadonlySet<string>
  billedBefore: Dec
}

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
  /** Set when the invoice bills more than the committed period (usage given for its lines only). */
  period?: ServicePeriod
}

/** Lines that spread over the lines before them: counted by the committed period's share. */
const SPREAD = new Set(['discount', 'rounding'])
/** Lines of the invoice's terms, never a charge of a period. */
const TERMS = new Set(['minimum_commitment', 'commitment_overage', 'prepayment', 'prepaid_drawdown', 'maximum_spend', 'credit', 'billed_elsewhere'])

/**
 * What `lines` charge for the service period billed by the lines `ids`: those lines, a line
 * discount of one of them, and a product or invoice discount (or a rounding line) times the
 * period's share of the lines it applies to.
 */
export function periodCharges(lines: readonly Pick<Line, 'kind' | 'amount' | 'line_id' | 'product'>[], ids: ReadonlySet<string>): Dec {
  const charges = lines.filter((l) => !SPREAD.has(l.kind) && !TERMS.has(l.kind))
  const inPeriod = (l: Pick<Line, 'line_id'>) => l.line_id !== undefined && ids.has(l.line_id)
  const total = (of: readonly Pick<Line, 'amount'>[]) => of.reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
  const share = (of: readonly Pick<Line, 'amount' | 'line_id'>[]) => {
    const all = total(of)
    return all.isZero() ? new Dec(0) : total(of.filter(inPeriod)).dividedBy(all)
  }
  let charged = total(charges.filter(inPeriod))
  for (const l of lines.filter((x) => SPREAD.has(x.kind))) {
    if (l.line_id !== undefined) charged = inPeriod(l) ? charged.plus(l.amount) : charged
    else if (l.product !== undefined) charged = charged.plus(new Dec(l.amount).times(share(charges.filter((c) => c.product === l.product))))
    else charged = charged.plus(new Dec(l.amount).times(share(charges)))
  }
  return charged
}

function basisOf(lines: readonly Line[], period: ServicePeriod | undefined): Dec {
  if (period) return periodCharges(lines, period.lines).plus(period.billedBefore)
  return lines.filter((l) => l.kind !== 'prepayment').reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
}

/** The overage line for `above` (spend past a commitment of `amount`), or none. */
export function overageLine(opts: { above: Dec; factor: string | undefined; amount: Dec; currency: Currency; mode: RoundingMode; what: string }): Line[] {
  if (opts.factor === undefined || !opts.above.greaterThan(0)) return []
  const extra = roundMoney(opts.above.times(new Dec(opts.factor).minus(1)), opts.currency, opts.mode)
  if (extra.isZero()) return []
  return [
    {
      kind: 'commitment_overage',
      description: `${opts.what} ${formatPlain(opts.amount)}: ${formatPlain(roundMoney(opts.above, opts.currency, opts.mode))} above it at ${formatPlain(opts.factor)} × list`,
      quantity: new Dec(1),
      unit_price: new Dec(opts.factor).minus(1),
      amount: extra,
    },
  ]
}

export function applyCommitment(c: Commitment, ctx: CommitmentContext): Line[] {
  const amount = roundMoney(ctx.amount, ctx.currency, ctx.mode)
  const basis = basisOf(ctx.lines, ctx.period)
  if (c.kind === 'minimum') {
    // 'unrounded' swaps the rounded usage for the exact usage, keeping every other line.
    const measured = c.basis === 'unrounded' ? basis.minus(ctx.roundedUsage).plus(ctx.unroundedUsage) : basis
    const shortfall = roundMoney(ctx.amount.minus(measured), ctx.currency, ctx.mode)
    const what = 'Minimum commitment'
    if (!shortfall.greaterThan(0))
      return overageLine({ above: measured.minus(ctx.amount), factor: c.overage_factor, amount, currency: ctx.currency, mode: ctx.mode, what })
    return [{ kind: 'minimum_commitment', description: `Minimum commitment ${formatPlain(amount)}: true-up`, quantity: new Dec(1), amount: shortfall }]
  }
  const lines: Line[] = []
  if (c.invoice_prepayment) {
    lines.push({ kind: 'prepayment', description: `Prepaid commitment ${formatPlain(amount)}`, quantity: new Dec(1), amount })
  }
  // With a committed period, the charges billed before it used the prepayment first.
  const drawable = ctx.period ? maxDec(basis.minus(ctx.period.billedBefore), new Dec(0)) : maxDec(basis, new Dec(0))
  const left = ctx.period ? maxDec(amount.minus(ctx.period.billedBefore), new Dec(0)) : amount
  const covered = roundMoney(minDec(drawable, left), ctx.currency, ctx.mode)
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

/** The lines a commitment adds: they belong to the committed period. */
const COMMITMENT_KINDS = new Set(['minimum_commitment', 'commitment_overage', 'prepayment', 'prepaid_drawdown'])

/**
 * The cap line when the spend passes `maximum`. With a service period, the spend is the period's
 * (its lines here with their share of discounts, its commitment lines, and what was billed before
 * it) and the cap takes off at most the period's charges on this invoice, never the next period's
 * fee. Worked example: fee 100.00 in advance, usage 80.00, maximum 150.00: the invoice after the
 * contract's last period bills 80.00 − (100.00 + 80.00 − 150.00) = 50.00.
 */
export function applyMaximumSpend(opts: { maximum: Dec; lines: readonly Line[]; period?: ServicePeriod; currency: Currency; mode: RoundingMode }): Line[] {
  const { maximum, lines, period } = opts
  const line = (amount: Dec): Line[] =>
    amount.isZero() ? [] : [{ kind: 'maximum_spend', description: `Maximum spend ${formatPlain(maximum)}`, quantity: new Dec(1), amount }]
  if (!period) {
    const total = lines.reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
    return total.greaterThan(maximum) ? line(maximum.minus(total)) : []
  }
  const here = periodCharges(lines, period.lines).plus(
    lines.filter((l) => COMMITMENT_KINDS.has(l.kind)).reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0)),
  )
  const over = here.plus(period.billedBefore).minus(maximum)
  if (!over.greaterThan(0) || !here.greaterThan(0)) return []
  return line(roundMoney(minDec(over, here), opts.currency, opts.mode).negated())
}
