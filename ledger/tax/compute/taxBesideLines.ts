// A credit note's ERP lines are its journal entry's debits (so a credit on a deferred line keeps
// the deferred / recognised split of Tally's books), and each carries its share of the note's tax
// beside it, as an invoice's lines do. The tax is known per credited product (the shares of
// creditNoteTaxes.ts, summed per product); a product's debits (one per account it posts to) take
// its tax in proportion to their amounts, the last one the rounding residue (allocate.ts).
// Worked example: 50.00 of seats credited at 20 % (share 10.00) while 30.00 of it was recognised:
// debits deferred 20.00 and revenue 30.00 → tax 4.00 and 6.00; 20.00 + 4.00 + 30.00 + 6.00 = 60.00.
import { Dec } from '../../../platform/decimal.ts'
import { allocate } from '../../accounting/compute/allocate.ts'

/** The tax beside each of `lines` (decimal strings, in their order); `taxByProduct` keyed by product id, '' for lines of no product. */
export function taxBesideLines(
  lines: readonly { productId: string | null; amount: string }[],
  taxByProduct: ReadonlyMap<string, Dec>,
  minorUnits: number,
): string[] {
  const out = lines.map(() => new Dec(0))
  for (const [product, tax] of taxByProduct) {
    if (tax.isZero()) continue
    const indexes = lines.flatMap((l, i) => ((l.productId ?? '') === product ? [i] : []))
    if (indexes.length === 0) throw new RangeError(`tax ${tax.toFixed()} of product ${product || '(none)'} has no line to go beside`)
    const shares = allocate(
      tax,
      indexes.map((i) => new Dec(lines[i]!.amount)),
      minorUnits,
    )
    indexes.forEach((lineIndex, k) => (out[lineIndex] = shares[k]!))
  }
  return out.map((t) => t.toFixed(minorUnits))
}
