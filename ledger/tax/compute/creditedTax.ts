// The tax a credit note gives back of a taxed line: in proportion to what it credits of the line,
// counted cumulatively so that the credit notes of a line never give back more (or less) than its
// tax: after crediting C of a line of amount A and tax T, round(T × C / A) of the tax is given
// back (the currency's minor unit, half away from zero). A note's share is that figure after it
// minus the figure before it.
// Worked example: a line of 100.00 with 20.01 tax, credited 50.00 then 50.00: round(10.005) =
// 10.01, then 20.01 − 10.01 = 10.00; in all 20.01, the line's tax.
import { Dec } from '../../../platform/decimal.ts'

export function creditedTax(line: { amount: string; tax: string }, creditedBefore: string | Dec, credit: string | Dec, minorUnits: number): Dec {
  const amount = new Dec(line.amount)
  if (amount.isZero()) return new Dec(0)
  const upTo = (credited: string | Dec) => new Dec(line.tax).times(credited).dividedBy(amount).toDecimalPlaces(minorUnits, Dec.ROUND_HALF_UP)
  return upTo(new Dec(creditedBefore).plus(credit)).minus(upTo(creditedBefore))
}
