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
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { commonPriceFields } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, nonNegativeDecimal, sum } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'

export const percentSchema = z.strictObject({
  model: z.literal('percent'),
  ...commonPriceFields,
  /** Percent, not a fraction: "2.9" means 2.9 %. */
  percent: nonNegativeDecimal,
  fixed_fee: nonNegativeDecimal.optional(),
  min_per_transaction: nonNegativeDecimal.optional(),
  max_per_transaction: nonNegativeDecimal.optional(),
})
export type PercentPrice = z.infer<typeof percentSchema>

/** A price with a fixed fee or a clamp is rated per transaction: its runs bill `transactions`. */
export function perTransaction(price: Readonly<Record<string, unknown>>): boolean {
  return price.fixed_fee !== undefined || price.min_per_transaction !== undefined || price.max_per_transaction !== undefined
}

const CHARGE = 'percent'

export function pricePercent(price: PercentPrice, input: ModelInput, usesTransactions: boolean): Line[] {
  const rate = new Dec(price.percent).dividedBy(100)
  const label = price.description ?? 'Percentage fee'
  if (!usesTransactions) {
    if (perTransaction(price)) {
      const message = 'fixed_fee, min_per_transaction and max_per_transaction need `transactions`, not a single quantity'
      throw new UnprocessableError('transactions_required', message, [{ field: 'transactions', code: 'transactions_required', message }])
    }
    const q = input.quantity
    return [
      { kind: 'usage', description: `${label}: ${formatPlain(price.percent)} % of ${formatPlain(q)}`, quantity: q, unit_price: rate, amount: q.times(rate) },
    ]
  }
  const txs = input.transactions
  const fixed = new Dec(price.fixed_fee ?? '0')
  const min = price.min_per_transaction === undefined ? null : new Dec(price.min_per_transaction)
  const max = price.max_per_transaction === undefined ? null : new Dec(price.max_per_transaction)
  const volume = sum(txs)
  const lines: Line[] = [
    {
      kind: 'usage',
      description: `${label}: ${formatPlain(price.percent)} % of ${txs.length} transaction(s) totalling ${formatPlain(volume)}`,
      quantity: volume,
      unit_price: rate,
      amount: volume.times(rate),
      partOf: CHARGE,
    },
  ]
  if (fixed.greaterThan(0)) {
    lines.push({
      kind: 'usage',
      description: `Fixed fee: ${txs.length} × ${formatPlain(fixed)}`,
      quantity: new Dec(txs.length),
      unit_price: fixed,
      amount: fixed.times(txs.length),
      partOf: CHARGE,
    })
  }
  let raised = 0
  let capped = 0
  let up = new Dec(0)
  let down = new Dec(0)
  for (const amount of txs) {
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
