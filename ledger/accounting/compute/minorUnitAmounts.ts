// The one rule for amounts in accounting answers (the trial balance and every report): an amount
// is written with exactly its currency's minor units, "0.00" in USD, "0" in JPY, "0.000" in KWD.
// Postgres sums keep the largest scale of what they add, so a column of nothing but zeros (the
// debits of an account with credits only) would otherwise read "0" beside "16.00". Amounts are
// posted in minor units, so the rule only pads: an amount finer than its currency, or in a
// currency the table does not hold, is left as summed rather than rounded.
import type { CurrencyTable } from '../../../platform/currency.ts'
import { Dec } from '../../../platform/decimal.ts'

/** `amount` with `minorUnits` decimals (as it is when it has more, or the currency is unknown). */
export function amountInMinorUnits(amount: string, minorUnits: number | undefined): string {
  if (minorUnits === undefined) return amount
  const value = new Dec(amount)
  return value.decimalPlaces() > minorUnits ? amount : value.toFixed(minorUnits)
}

/** `row` with each of `fields`, amounts in `row.currency`, written in that currency's minor units. */
export function inMinorUnits<R extends { currency: string }>(row: R, fields: readonly (keyof R & string)[], currencies: CurrencyTable): R {
  const minorUnits = currencies.minorUnits(row.currency)
  const out = { ...row }
  for (const field of fields) out[field] = amountInMinorUnits(String(row[field]), minorUnits) as R[typeof field]
  return out
}
