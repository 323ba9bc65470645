// Where two plans of one period sell different things (issue 17): the pieces of the period
// whose items changed, with the items before and after on each. Both the amendment guard
// (contractChange.ts: would a change touch what a final invoice billed?) and mid-period proration
// (midPeriodProration.ts: what to credit and charge) ask this one question, so they can never
// disagree about which days changed.
//
// Each side is a list of items, each covering a segment of the period. The period is cut at
// every segment boundary of either side; a piece changed when the keys of the items covering it
// differ. Neighbouring changed pieces with the same items on both sides are one change.
// Example: 100.00 over [01-01, 02-01) before; 100.00 over [01-01, 01-16) and 400.00 over
// [01-16, 02-01) after: one change, [01-16, 02-01), 100.00 → 400.00.
import type { Span } from '../compute/calendar/billingPeriods.ts'

export interface Covering<T> {
  segment: Span
  item: T
}

export interface Change<T> {
  span: Span
  before: T[]
  after: T[]
}

function covering<T>(side: readonly Covering<T>[], piece: Span): T[] {
  return side.filter((c) => c.segment.start <= piece.start && c.segment.end >= piece.end).map((c) => c.item)
}

/** The changed pieces, in date order; `keyOf` says when two items sell the same thing. */
export function coverageDiff<T>(before: readonly Covering<T>[], after: readonly Covering<T>[], keyOf: (item: T) => string): Change<T>[] {
  const cuts = [...new Set([...before, ...after].flatMap((c) => [c.segment.start, c.segment.end]))].sort()
  const key = (items: T[]) => JSON.stringify(items.map(keyOf).sort())
  const out: Change<T>[] = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const span = { start: cuts[i]!, end: cuts[i + 1]! }
    const was = covering(before, span)
    const is = covering(after, span)
    if (key(was) === key(is)) continue
    const last = out.at(-1)
    if (last && last.span.end === span.start && key(last.before) === key(was) && key(last.after) === key(is))
      last.span = { start: last.span.start, end: span.end }
    else out.push({ span, before: was, after: is })
  }
  return out
}
