// How an item nets what the period's threshold invoices billed of it (thresholdInvoice.ts), in
// every place that rates it: the scheduled invoice and the next threshold invoice (priceInvoice),
// explain (rateItem on the record), late usage of a final invoice and the unbilled-usage report
// (usage measured again is netted the same way).
//   usage   { quantity: q − B, billed_quantity: B }: rate(q) − rate(B) (compute/incremental.ts),
//           B the quantity the live threshold invoices billed (the last one's cumulative quantity);
//   regain  rate(B) − Σ amounts of those live invoices: 0 while they are a chain of crossings,
//           what a void threshold invoice had billed when a later one built on it (its usage is
//           billed again here, never lost).
// Worked example: 60 units billed 60.00, then 80 more 60.00 (rate(140) − rate(60)); the first is
// voided; 150 at the end: rate(150) − rate(140) = 5.00, regain 120.00 − 60.00 = 60.00 → 65.00, and
// the live invoices add up to 60.00 + 65.00 = 125.00 = rate(150).
import { Dec } from '../../platform/decimal.ts'
import type { PriceLine } from '../compute/lines.ts'
import type { RecordedItem } from './ratingRecord.ts'

type Usage = RecordedItem['usage']
type BilledBefore = NonNullable<RecordedItem['billed_before']>

/** A single quantity q on top of B already billed: `{ quantity: q − B, billed_quantity: B }`; other usage as it is. */
export function onTopOf(usage: Usage, billed: string | undefined): Usage {
  if (billed === undefined || usage.quantity === undefined) return usage
  return { quantity: new Dec(usage.quantity).minus(billed).toFixed(), billed_quantity: billed }
}

/** Usage measured again for a recorded item, netted as its record was (late usage, unbilled usage). */
export function remeasured(fresh: Usage, recorded: Usage): Usage {
  return onTopOf(fresh, recorded.billed_quantity)
}

/**
 * The lines of an item rated on top of threshold invoices: the line taking off rate(B) names them,
 * and what void ones had billed under a later live one is billed again (`regain`, above).
 */
export function nettedLines(rated: { amount: string; lines: PriceLine[] }, billedBefore: BilledBefore): { amount: string; lines: PriceLine[] } {
  const netting = rated.lines.at(-1)!
  const names = billedBefore.map((i) => (i.number === null ? i.invoice_id : String(i.number))).join(', ')
  const lines = [...rated.lines.slice(0, -1), { ...netting, description: `${netting.description} on threshold invoice ${names}` }]
  const billed = billedBefore.reduce((acc, i) => acc.plus(i.amount), new Dec(0))
  const regain = new Dec(netting.amount).negated().minus(billed)
  if (regain.isZero()) return { amount: rated.amount, lines }
  const places = netting.amount.split('.')[1]?.length ?? 0
  lines.push({ kind: 'usage', description: 'usage a void threshold invoice had billed, billed again', quantity: '1', amount: regain.toFixed(places) })
  return { amount: new Dec(rated.amount).plus(regain).toFixed(places), lines }
}
