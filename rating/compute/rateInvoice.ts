// Invoice composition: several priced lines plus contract terms (prepaid subscription,
// commitment, maximum spend, discounts, credits) into one invoice total. Pure, like the
// rest of compute: rating/execute loads usage and contract, calls this, writes the result.
//
// Steps (docs/pricing.md "Invoice composition"):
//   1. rate every line (ratePrice order of operations), tagging lines with id and product;
//      a prepaid subscription adds its fee line and its included units as free units;
//   2. rounding_point = invoice_total only: lines are kept to 6 decimals beyond the minor
//      unit and one `rounding` line brings their sum to the minor unit;
//   3. then `order`, by default discounts → commitment → maximum → credits. Vendors
//      disagree here, so the order is an explicit option; credits usually come last
//      because they pay what is owed rather than change the price;
//   4. `billed_elsewhere` (charges of this invoice another invoice already billed, such as late
//      usage billed as an adjustment before a void and reissue) is taken off right before the
//      credits, so credits pay only what is still owed, and never takes the invoice below zero.
// A commitment and a maximum spend measure `service_period` when given (commitment.ts): the
// lines of the service period they cover, not those of the next period billed in advance on the
// same invoice.
// Every step adds its own rounded lines; the total is always the exact sum of the lines.
import { z } from 'zod'
import { applyCommitment, applyMaximumSpend, commitmentSchema, servicePeriodSchema } from './commitment.ts'
import { creditGrantSchema, drawCredits } from './credits.ts'
import { currencySchema, resolveCurrency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { decimalString, formatPlain, maxDec, minDec, nonNegativeDecimal, sum } from './decimal.ts'
import { applyDiscounts, discountSchema, discountUsageSchema } from './discounts.ts'
import { emptyApplied, formatResult, totalOf } from './lines.ts'
import type { Line, PriceResult } from './lines.ts'
import { priceDefinitionSchema } from './priceDefinition.ts'
import type { PriceDefinition } from './priceDefinition.ts'
import { isoDate, prorationFactor, prorationSchema } from './proration.ts'
import { ratePriceLines } from './ratePrice.ts'
import { applyTermCommitment, invoiceTermCommitmentSchema } from './termCommitment.ts'
import { roundMoney, roundingModeSchema } from './rounding.ts'
import { refineUsage, usageFields } from './usageInput.ts'
import { validationErrorFrom } from './zodDetails.ts'

export const invoiceStepSchema = z.enum(['discounts', 'commitment', 'maximum', 'credits'])
export const DEFAULT_ORDER = ['discounts', 'commitment', 'maximum', 'credits'] as const
/** Extra decimals kept on lines when rounding happens on the invoice total. */
export const SUB_MINOR_DIGITS = 6

export const invoiceLineSchema = z
  .strictObject({
    id: z.string().min(1),
    product: z.string().min(1).optional(),
    price: priceDefinitionSchema,
    ...usageFields,
  })
  .superRefine(refineUsage)

export const invoiceInputSchema = z
  .strictObject({
    currency: currencySchema,
    rounding_mode: roundingModeSchema.optional(),
    rounding_point: z.enum(['per_line', 'invoice_total']).optional(),
    /** The invoice date: credits expiring on or before it cannot be used. */
    as_of: isoDate,
    /** The contract's billing period number, from 0, for discount durations. */
    period_index: z.number().int().min(0).default(0),
    /** Prorates flat fees, the subscription fee, the commitment and the maximum spend. */
    proration: prorationSchema.optional(),
    /** May be empty: an invoice can bill only a commitment's true-up for a period that ended. */
    lines: z.array(invoiceLineSchema),
    /** Prepaid subscription with postpaid overages: a fee with `included_units` of `line`. */
    subscription: z
      .strictObject({ fee: nonNegativeDecimal, included_units: nonNegativeDecimal, line: z.string().min(1), description: z.string().optional() })
      .optional(),
    commitment: commitmentSchema.optional(),
    /** The service period the commitment and the maximum spend measure, when the invoice bills more than one. */
    service_period: servicePeriodSchema.optional(),
    /** Charges of this invoice already billed on other invoices (a negative amount: credited there), taken off before the credits. */
    billed_elsewhere: z.array(z.strictObject({ id: z.string().min(1), description: z.string().min(1), amount: decimalString })).default([]),
    maximum_spend: nonNegativeDecimal.optional(),
    discounts: z.array(discountSchema).default([]),
    /** What the contract's other live invoices used of its coupons (`billed_periods`, `carry_over`). */
    discount_usage: z.array(discountUsageSchema).optional(),
    /** A commitment over several billing periods, as this invoice sees it (termCommitment.ts). */
    term_commitment: invoiceTermCommitmentSchema.optional(),
    credits: z.array(creditGrantSchema).default([]),
    order: z
      .array(invoiceStepSchema)
      .length(4)
      .refine((o) => new Set(o).size === 4, { message: 'must name each of discounts, commitment, maximum, credits once' })
      .optional(),
  })
  .superRefine((inv, ctx) => {
    const add = (path: (string | number)[], message: string, code: string) => ctx.addIssue({ code: 'custom', path, message, params: { code } })
    const code = (c: PriceDefinition['currency']) => (typeof c === 'string' ? c : c.code)
    const ids = new Set<string>()
    inv.lines.forEach((l, i) => {
      if (code(l.price.currency) !== code(inv.currency))
        add(['lines', i, 'price', 'currency'], `must be the invoice currency ${code(inv.currency)}`, 'currency_mismatch')
      if (ids.has(l.id)) add(['lines', i, 'id'], `duplicate line id ${l.id}`, 'duplicate_line_id')
      ids.add(l.id)
    })
    if (inv.subscription) {
      const target = inv.lines.find((l) => l.id === inv.subscription?.line)
      if (!target) add(['subscription', 'line'], 'must name an invoice line', 'unknown_line')
      else if (['flat_fee', 'matrix', 'two_dimensional_tiered'].includes(target.price.model))
        add(['subscription', 'line'], `included units need a single-quantity price, not ${target.price.model}`, 'free_units_not_supported')
    }
    inv.discounts.forEach((d, i) => {
      if (d.scope === 'line' && d.target !== undefined && !ids.has(d.target)) add(['discounts', i, 'target'], `no invoice line ${d.target}`, 'unknown_line')
    })
    inv.term_commitment?.lines.forEach((id, i) => {
      if (!ids.has(id)) add(['term_commitment', 'lines', i], `no invoice line ${id}`, 'unknown_line')
    })
  })
export type InvoiceInput = z.infer<typeof invoiceInputSchema>

export interface InvoiceResult extends PriceResult {
  credits: { id: string; drawn: string; remaining: string }[]
  /** What each discount took off this invoice (the ones that applied). */
  discounts: { id: string; amount: string }[]
}

function withIncludedUnits(price: PriceDefinition, included: string): PriceDefinition {
  return { ...price, free_units: new Dec(price.free_units ?? '0').plus(included).toFixed() }
}

export function rateInvoice(inv: InvoiceInput): InvoiceResult {
  const currency = resolveCurrency(inv.currency)
  const mode = inv.rounding_mode ?? 'half_up'
  const share = inv.proration ? prorationFactor(inv.proration) : null
  const prorate = (d: Dec) => (share ? d.times(share.activeDays).dividedBy(share.periodDays) : d)
  const lineScale = inv.rounding_point === 'invoice_total' ? currency.minorUnits + SUB_MINOR_DIGITS : undefined
  const applied = emptyApplied()
  const lines: Line[] = []
  // With a committed period, the usage sums the 'unrounded' basis swaps are the period's own.
  const period = inv.service_period ? { lines: new Set(inv.service_period.lines), billedBefore: new Dec(inv.service_period.billed_before) } : undefined
  const counts = (lineId: string) => !period || period.lines.has(lineId)
  let unroundedUsage = new Dec(0)
  const sub = inv.subscription
  if (sub) {
    const fee = roundMoney(prorate(new Dec(sub.fee)), currency, mode)
    lines.push({
      kind: 'flat_fee',
      description: `${sub.description ?? 'Subscription'} (includes ${formatPlain(sub.included_units)} units of ${sub.line})`,
      quantity: new Dec(1),
      unit_price: new Dec(sub.fee),
      amount: fee,
      line_id: 'subscription',
    })
    if (counts('subscription')) unroundedUsage = unroundedUsage.plus(prorate(new Dec(sub.fee)))
  }
  for (const line of inv.lines) {
    const price = sub && sub.line === line.id ? withIncludedUnits(line.price, sub.included_units) : line.price
    const rated = ratePriceLines(price, line, inv.proration, { defaultMode: mode, ...(lineScale === undefined ? {} : { lineScale }) })
    // The exact rating (20 decimals) only feeds the commitment's 'unrounded' basis: without a
    // commitment it is not rated at all (it was a second ratePriceLines per line of every
    // invoice, issue 20). It differs from `rated` by its rounding scale alone, so it cannot throw where `rated` did not.
    if (inv.commitment && counts(line.id))
      unroundedUsage = unroundedUsage.plus(totalOf(ratePriceLines(price, line, inv.proration, { defaultMode: mode, lineScale: 20 }).lines))
    applied.free_units = applied.free_units.plus(rated.applied.free_units)
    applied.minimum = applied.minimum.plus(rated.applied.minimum)
    for (const l of rated.lines) lines.push({ ...l, line_id: line.id, ...(line.product ? { product: line.product } : {}) })
  }
  if (lineScale !== undefined) {
    const exact = totalOf(lines)
    const adjustment = roundMoney(exact, currency, mode).minus(exact)
    if (!adjustment.isZero()) lines.push({ kind: 'rounding', description: 'Rounding to the minor unit', quantity: new Dec(1), amount: adjustment })
  }
  const roundedUsage = period ? totalOf(lines.filter((l) => l.line_id !== undefined && period.lines.has(l.line_id))) : totalOf(lines)
  const discountsTaken: { id: string; amount: string }[] = []
  let draws: { id: string; drawn: Dec; remaining: Dec }[] = inv.credits.map((c) => ({ id: c.id, drawn: new Dec(0), remaining: new Dec(c.amount) }))
  for (const step of inv.order ?? DEFAULT_ORDER) {
    if (step === 'discounts') {
      const added = applyDiscounts({ lines, discounts: inv.discounts, periodIndex: inv.period_index, currency, mode, usage: inv.discount_usage ?? [] })
      for (const l of added) if (l.discount_id !== undefined) discountsTaken.push({ id: l.discount_id, amount: l.amount.negated().toFixed() })
      applied.discounts = applied.discounts.plus(sum(added.map((l) => l.amount)).negated())
      lines.push(...added)
    } else if (step === 'commitment') {
      const amount = prorate(new Dec(inv.commitment?.amount ?? '0'))
      const added = [
        ...(inv.commitment
          ? applyCommitment(inv.commitment, { lines, amount, unroundedUsage, roundedUsage, currency, mode, ...(period ? { period } : {}) })
          : []),
        // Measures its window's charges, which no commitment line is part of, so the order of the two does not matter.
        ...(inv.term_commitment ? applyTermCommitment(inv.term_commitment, { lines, currency, mode }) : []),
      ]
      applied.minimum = applied.minimum.plus(sum(added.filter((l) => l.kind === 'minimum_commitment').map((l) => l.amount)))
      lines.push(...added)
    } else if (step === 'maximum' && inv.maximum_spend !== undefined) {
      const maximum = roundMoney(prorate(new Dec(inv.maximum_spend)), currency, mode)
      lines.push(...applyMaximumSpend({ maximum, lines, currency, mode, ...(period ? { period } : {}) }))
    }
    if (step === 'credits') lines.push(...billedElsewhere(inv.billed_elsewhere, totalOf(lines)))
    if (step === 'credits' && inv.credits.length > 0) {
      const drawn = drawCredits(inv.credits, totalOf(lines), currency, inv.as_of)
      draws = drawn.draws
      applied.credits = sum(drawn.draws.map((d) => d.drawn))
      lines.push(...drawn.lines)
    }
  }
  return {
    ...formatResult(lines, currency, applied, lineScale),
    credits: draws.map((d) => ({ id: d.id, drawn: d.drawn.toFixed(currency.minorUnits), remaining: formatPlain(d.remaining) })),
    discounts: discountsTaken,
  }
}

/**
 * One line per charge billed on another invoice: taken off, at most what is still due (a charge
 * credited there, a negative amount, is added back in full). Those come first, so what they add
 * back can be taken off by the others.
 */
function billedElsewhere(entries: InvoiceInput['billed_elsewhere'], due: Dec): Line[] {
  const out: Line[] = []
  let left = maxDec(due, new Dec(0))
  const ordered = [...entries].sort((a, b) => new Dec(a.amount).comparedTo(b.amount))
  for (const e of ordered) {
    const amount = minDec(new Dec(e.amount), left)
    left = left.minus(amount)
    if (!amount.isZero()) out.push({ kind: 'billed_elsewhere', description: e.description, quantity: new Dec(1), amount: amount.negated(), line_id: e.id })
  }
  return out
}

/** Parses an untrusted invoice input and rates it; problems are 422 with field paths. */
export function parseInvoiceInput(value: unknown): InvoiceInput {
  const parsed = invoiceInputSchema.safeParse(value)
  if (!parsed.success) throw validationErrorFrom(parsed.error, 'invalid_invoice_input', 'invoice input')
  return parsed.data
}
