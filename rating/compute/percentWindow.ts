// The free window of a percent price (Lago's "free units per event" and "free units per total
// amount"): the first `free_transactions` transactions and the first `free_amount` of volume are
// free, and the window ends at whichever runs out first. Transactions are walked in the order
// given: in a preview, the order of the request's `transactions`; in a run, ascending amount
// (a metric's rows carry no time, and the order must not depend on how rows arrive).
//
// A transaction wholly inside the window is free: no percentage, no fixed fee, no minimum.
// The transaction during which the free amount runs out pays on its part beyond it, with its
// fixed fee and clamps; every transaction after the window closes pays in full.
// Worked example (Lago's docs): 3 transactions or 500.00 free; 200, 100, 100 are free (400.00
// used); the 4th, 50.00, is past the count, so it pays in full although 450.00 < 500.00.
import { Dec } from '../../platform/decimal.ts'

export interface FreeWindow {
  free_transactions?: number | undefined
  free_amount?: string | undefined
}

/** The amounts that pay, each the part of its transaction beyond the free window; wholly free ones are left out. */
export function chargedTransactions(transactions: readonly Dec[], window: FreeWindow): Dec[] {
  if (window.free_transactions === undefined && window.free_amount === undefined) return [...transactions]
  // A bound left out does not limit the window; the one given does.
  let count = window.free_transactions ?? Infinity
  let amount = window.free_amount === undefined ? null : new Dec(window.free_amount)
  const open = () => count > 0 && (amount === null || amount.greaterThan(0))
  const charged: Dec[] = []
  for (const tx of transactions) {
    if (!open()) {
      charged.push(tx)
      continue
    }
    count -= 1
    const freePart = amount === null ? tx : Dec.min(tx, amount)
    if (amount !== null) amount = amount.minus(freePart)
    const rest = tx.minus(freePart)
    if (rest.greaterThan(0)) charged.push(rest)
  }
  return charged
}
