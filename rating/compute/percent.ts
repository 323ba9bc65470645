// Percent: a percentage of each transaction's amount, plus an optional fixed fee per
// transaction, each transaction's fee clamped to [min_per_transaction, max_per_transaction].
// Transactions are a data field of the events (e.g. payment amounts): a contract's run gets
// them from a billable metric returning one row per transaction (rating/execute usageFields).
// Without them, `quantity` is read as one total value and only the percentage applies (fixed
// fee and clamps need transactions).
//
// fee_i = clamp(amount_i × percent / 100 + fixed_fee, min, max); the charge is round(Σ fee_i).
// Lines: the percentage part, the fixed fees, and the top-ups/caps from clamping, so each
// part is visible; they are parts of one charge (`partOf`), rounded by their running sum so
// they add up to round(Σ fee_i) exactly (lines.ts roundLines).
// Worked example (Lago's percentage model): 1.2 % + 0.10 per transaction, one transaction
// of 50.00 → 50.00 × 1.2 / 100 = 0.60, + 0.10 = 0.70.
// Worked example (issue 18): 2.5 % + 0.005 with a 0.10 maximum on 5.00: fee = 0.13 capped at
// 0.10; lines 0.13 (0.125), 0.00 (round(0.13) − 0.13), −0.03 (0.10 − 0.13) → 0.10.
// NOTE: fees are summed exactly and rounded once, not per transaction: 3 transactions of
// 0.10 at 2.5 % bill 0.0075 → 0.01, not 3 × 0.00.
//
// The free window (Lago's free units per event and per total amount): the first
// `free_transactions` transactions and the first `free_amount` of volume are free, and the window
// ends at whichever runs out first. Transactions are taken in the order given (percentWindow.ts).
// Worked example (Lago): 1.2 % + 0.10, 3 transactions or 500.00 free; 200, 100, 100 are free,
// the 4th (50.00, total 450.00) is past the count: 0.10 + 1.2 % × 50.00 = 0.70.
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal, sum } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'
import { chargedTransactions } from './percentWindow.ts'

export const percentSchema = z.strictObject({
  model: z.literal('percent'),
  ...commonPriceFields,
  /** Percent, not a fraction: "2.9" means 2.9 %. */
  percent: nonNegativeDecimal,
  fixed_fee: nonNegativeDecimal.optional(),
  min_per_transaction: nonNegativeDecimal.optional(),
  max_per_transaction: nonNegativeDecimal.optional(),
  /** The first N transactions are free (no percentage, no fixed fee), while the window lasts. */
  free_transactions: z.number().int().min(0).max(1_000_000_000).optional(),
  /** The first X of transaction volume is free of the percentage, while the window lasts. */
  free_amount: nonNegativeDecimal.optional(),
})
export type PercentPrice = z.infer<typeof percentSchema>

/** The fields that make a percent price rated per transaction. */
export const PER_TRANSACTION_FIELDS = ['fixed_fee', 'min_per_transaction', 'max_per_transaction', 'free_transactions', 'free_amount'] as const

/** A price with a fixed fee, a clamp or a free window is rated per transaction: its runs bill `transactions`. */
export function perTransaction(price: Readonly<Record<string, unknown>>): boolean {
  return PER_TRANSACTION_FIELDS.some((field) => price[field] !== undefined)
}

const CHARGE = 'percent'

export function pricePercent(price: PercentPrice, input: ModelInput, usesTransactions: boolean): Line[] {
  const rate = new Dec(price.percent).dividedBy(100)
  const label = price.description ?? 'Percentage fee'
  if (!usesTransactions) {
    if (perTransaction(price)) {
      const message = `${PER_TRANSACTION_FIELDS.join(', ')} need \`transactions\`, not a single quantity`
      throw new UnprocessableError('transactions_required', message, [{ field: 'transactions', code: 'transactions_required', message }])
    }
    const q = input.quantity
    return [
      { kind: 'usage', description: `${label}: ${formatPlain(price.percent)} % of ${formatPlain(q)}`, quantity: q, unit_price: rate, amount: q.times(rate) },
    ]
  }
  const fixed = new Dec(price.fixed_fee ?? '0')
  const min = price.min_per_transaction === undefined ? null : new Dec(price.min_per_transaction)
  const max = price.max_per_transaction === undefined ? null : new Dec(price.max_per_transaction)
  const charged = chargedTransactions(input.transactions, price)
  const count = charged.length
  const volume = sum(charged)
  const free = input.transactions.length - count
  const freeVolume = sum(input.transactions).minus(volume)
  const freeText = free > 0 || freeVolume.greaterThan(0) ? ` (free window: ${free} transaction(s), ${formatPlain(freeVolume)} free)` : ''
  const lines: Line[] = [
    {
      kind: 'usage',
      description: `${label}: ${formatPlain(price.percent)} % of ${count} transaction(s) totalling ${formatPlain(volume)}${freeText}`,
      quantity: volume,
      unit_price: rate,
      amount: volume.times(rate),
      partOf: CHARGE,
    },
  ]
  if (fixed.greaterThan(0)) {
    lines.push({
      kind: 'usage',
      description: `Fixed fee: ${count} × ${formatPlain(fixed)}`,
      quantity: new Dec(count),
      unit_price: fixed,
      amount: fixed.times(count),
      partOf: CHARGE,
    })
  }
  let raised = 0
  let capped = 0
  let up = new Dec(0)
  let down = new Dec(0)
  for (const amount of charged) {
    const fee = amount.times(rate).plus(fixed)
    if (min && fee.lessThan(min)) {
      raised += 1
      up = up.plus(min.minus(fee))
    } else if (max && fee.greaterThan(max)) {
      capped += 1
      down = down.plus(max.minus(fee))
    }
  }
  if (raised > 0)
    lines.push({
      kind: 'usage',
      description: `Minimum per transaction (${formatPlain(min ?? new Dec(0))}) applied to ${raised} transaction(s)`,
      quantity: new Dec(raised),
      amount: up,
      partOf: CHARGE,
    })
  if (capped > 0)
    lines.push({
      kind: 'usage',
      description: `Maximum per transaction (${formatPlain(max ?? new Dec(0))}) applied to ${capped} transaction(s)`,
      quantity: new Dec(capped),
      amount: down,
      partOf: CHARGE,
    })
  return lines
}
