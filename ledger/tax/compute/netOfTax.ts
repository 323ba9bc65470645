// An invoice's lines as the journal posts them: each line at its amount without its inclusive tax
// (its taxable base), so revenue and revenue schedules are net and the entry credits the tax to
// Tax payable. A line taxed exclusively keeps its amount (its tax is on top of it).
// Worked example: 120.00 with 20 % included posts 100.00 to revenue and 20.00 to tax payable; AR
// takes 120.00. 100.00 with 20 % on top posts 100.00 to revenue, 20.00 to tax payable, AR 120.00.
import { Dec } from '../../../platform/decimal.ts'
import type { LineTax } from './lineTaxes.ts'

export function netOfTax<L extends { id: string; amount: string }>(lines: readonly L[], taxes: readonly LineTax[]): L[] {
  const included = new Map(taxes.filter((t) => t.rate.inclusive).map((t) => [t.lineId, t.amount]))
  return lines.map((l) => {
    const tax = included.get(l.id)
    if (tax === undefined) return l
    const digits = l.amount.split('.')[1]?.length ?? 0
    return { ...l, amount: new Dec(l.amount).minus(tax).toFixed(digits) }
  })
}
