// A minimum commitment over a window of several billing periods (the whole contract term, or
// every N periods: Metronome's and Orb's commits, Zuora's minimum over a term), and the overage
// factor on spend above a commitment.
//
// One invoice sees the window through three inputs the caller derives from the contract's live
// invoices (rating/execute/termUsage.ts): its own lines that bill the window (`lines`), what the
// window's earlier live invoices charged for it (`billed_before`, after their discounts, never
// their commitment lines), and whether this invoice closes the window (`true_up`).
//   - True-up, on the closing invoice only: max(0, amount − (billed_before + this invoice's
//     window charges)). Worked example: 3 months, 1,000.00 minimum, usage 200.00 + 300.00 +
//     250.00 = 750.00 → the invoice that bills March adds 250.00.
//   - Overage factor f (every invoice of the window): the part of this invoice's window charges
//     above the amount, counted after the earlier ones, bills (f − 1) × that part more, so spend
//     above the commitment costs f × list. Worked example: 1,000.00, f = 1.2, billed before
//     900.00, here 300.00 → above = 1,200.00 − 1,000.00 = 200.00 → overage 200.00 × 0.2 = 40.00.
//     Each invoice rounds its own overage line (the window's total may differ from one rounding
//     of the whole by a minor unit per invoice).
// Discounts apply before (default order), so the window measures what was billed after them.
import { z } from 'zod'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, maxDec, nonNegativeDecimal } from './decimal.ts'
import { overageFactor, overageLine, periodCharges } from './commitment.ts'
import type { Line } from './lines.ts'
import { roundMoney } from './rounding.ts'
import type { RoundingMode } from './rounding.ts'

/** A contract's term commitment, as written in its terms. */
export const termCommitmentSchema = z.strictObject({
  amount: nonNegativeDecimal,
  /** The window's length in billing periods, repeating from the contract start; without it, the whole term (a contract with an end). */
  periods: z.number().int().min(1).optional(),
  overage_factor: overageFactor.optional(),
})
export type TermCommitment = z.infer<typeof termCommitmentSchema>

/** The term commitment as one invoice sees it (rateInvoice input). */
export const invoiceTermCommitmentSchema = z.strictObject({
  amount: nonNegativeDecimal,
  /** This invoice's lines that bill the window. */
  lines: z.array(z.string().min(1)),
  /** What the window's earlier live invoices charged for it, after their discounts. */
  billed_before: nonNegativeDecimal,
  /** Whether this invoice closes the window: only then is the shortfall billed. */
  true_up: z.boolean(),
  overage_factor: overageFactor.optional(),
  /** The window's periods, for the lines' descriptions: `2026-01-01 to 2026-04-01`. */
  window: z.string().min(1).optional(),
})
export type InvoiceTermCommitment = z.infer<typeof invoiceTermCommitmentSchema>

/** The lines a term commitment adds to an invoice: an overage line, or the closing invoice's true-up. */
export function applyTermCommitment(tc: InvoiceTermCommitment, ctx: { lines: readonly Line[]; currency: Currency; mode: RoundingMode }): Line[] {
  const amount = new Dec(tc.amount)
  const before = new Dec(tc.billed_before)
  const here = periodCharges(ctx.lines, new Set(tc.lines))
  const what = `Term commitment${tc.window ? ` (${tc.window})` : ''}`
  const zero = new Dec(0)
  const above = maxDec(before.plus(here).minus(amount), zero).minus(maxDec(before.minus(amount), zero))
  const out = overageLine({ above, factor: tc.overage_factor, amount, currency: ctx.currency, mode: ctx.mode, what })
  if (tc.true_up) {
    const shortfall = roundMoney(amount.minus(before).minus(here), ctx.currency, ctx.mode)
    if (shortfall.greaterThan(0)) {
      out.push({
        kind: 'minimum_commitment',
        description: `${what} ${formatPlain(amount)}: true-up of ${formatPlain(before.plus(here).toDecimalPlaces(ctx.currency.minorUnits))} billed`,
        quantity: new Dec(1),
        amount: shortfall,
      })
    }
  }
  return out
}
