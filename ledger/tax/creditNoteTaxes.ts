// The tax of a credit note's lines (compute/creditedTax.ts): each credited line gives back its
// share of the line's tax, counted after the invoice's earlier credit notes of the line. The
// credit note's total adds the exclusive shares (inclusive tax is inside the credited amounts);
// its journal entry debits Tax payable with every share (lifecyclePostings.ts).
import { Dec } from '../../platform/decimal.ts'
import type { LineTax } from './compute/lineTaxes.ts'
import { creditedTax } from './compute/creditedTax.ts'

export interface CreditedLineTax {
  invoiceLineId: string
  /** The tax given back with this credit of the line. */
  tax: Dec
  inclusive: boolean
}

/**
 * `credits` in the order they are credited; `creditedBefore` per line (earlier notes). The lines
 * of the invoice are given for their amounts.
 */
export function creditNoteTaxes(input: {
  lines: readonly { id: string; amount: string }[]
  taxes: readonly LineTax[]
  creditedBefore: ReadonlyMap<string, string | Dec>
  credits: readonly { invoiceLineId: string; amount: string | Dec }[]
  minorUnits: number
}): CreditedLineTax[] {
  const byLine = new Map(input.taxes.map((t) => [t.lineId, t]))
  const running = new Map<string, Dec>()
  const out: CreditedLineTax[] = []
  for (const c of input.credits) {
    const tax = byLine.get(c.invoiceLineId)
    if (tax === undefined) continue
    const line = input.lines.find((l) => l.id === c.invoiceLineId)!
    const before = running.get(c.invoiceLineId) ?? new Dec(input.creditedBefore.get(c.invoiceLineId) ?? '0')
    out.push({
      invoiceLineId: c.invoiceLineId,
      tax: creditedTax({ amount: line.amount, tax: tax.amount }, before, c.amount, input.minorUnits),
      inclusive: tax.rate.inclusive,
    })
    running.set(c.invoiceLineId, before.plus(c.amount))
  }
  return out
}

/** What the shares add to a credit note's total: the exclusive ones. */
export function exclusiveCreditedTax(shares: readonly CreditedLineTax[]): Dec {
  return shares.filter((s) => !s.inclusive).reduce((acc, s) => acc.plus(s.tax), new Dec(0))
}
