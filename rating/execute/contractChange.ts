// Whether an amendment of a contract changes what a finalized invoice billed (issue 17).
// Finalized invoices never change (DESIGN invariant 4). What each one billed is re-planned from
// the contract before and after the change (billingSchedule.ts: invoice j bills P_{j-1} in
// arrears and P_j in advance; the phases' items per segment, invoicePlan.ts) and compared day by
// day (coverageDiff.ts). Items are compared as stored (product, price, quantity; key order
// ignored), so a phase that sells what the one before it sold changes nothing.
//
// - Arrears (usage, fees in arrears) a final invoice billed: refused, 422 with what to do.
// - In-advance fees a final invoice billed: accepted when the invoice that bills the same period
//   in arrears (j + 1) is still to be finalized and still exists after the change; it carries
//   the proration (midPeriodProration.ts): 100.00 billed in advance for January, 400.00 from
//   January 16th: February 1st's invoice credits 100.00 × 16/31 = 51.61 and charges 400.00 ×
//   16/31 = 206.45 (net 154.84, issue 17 bug 6). Refused when that invoice is final too, or when
//   the change ends the contract before it (it would have no invoice to land on).
import type { ContractChangeInput, ContractItem, ContractPhase } from '../../ledger/ratingStore.ts'
import { UnprocessableError } from '../../platform/errors.ts'
import type { Span } from '../compute/calendar/billingPeriods.ts'
import { scheduledInvoice, type ActivePeriod, type Schedule } from './billingSchedule.ts'
import { coverageDiff, type Covering } from './coverageDiff.ts'
import { canonicalJson, phaseSegments } from './invoicePlan.ts'

const PARTS = [
  { timing: 'in_advance', part: 'advance', what: 'the in-advance items' },
  { timing: 'in_arrears', part: 'arrears', what: 'the usage and fees in arrears' },
] as const

/** The key two items sell the same thing by. */
export function soldKey(item: { product_id: string; price: unknown; quantity?: string | undefined }): string {
  return canonicalJson({ product_id: item.product_id, price: item.price, quantity: item.quantity })
}

/** The items of one timing over a part of a schedule, each with its segment. */
export function soldOver(phases: readonly ContractPhase[], part: ActivePeriod | null | undefined, timing: string): Covering<ContractItem>[] {
  if (!part) return []
  return phaseSegments(phases, part.active).flatMap(({ phase, segment }) => phase.items.filter((i) => i.billing === timing).map((item) => ({ segment, item })))
}

type Side = { schedule: Schedule; phases: readonly ContractPhase[] }

function changedSpan(before: Side, after: Side, index: number, p: (typeof PARTS)[number]): Span | undefined {
  const was = soldOver(before.phases, scheduledInvoice(before.schedule, index)?.[p.part], p.timing)
  const is = soldOver(after.phases, scheduledInvoice(after.schedule, index)?.[p.part], p.timing)
  return coverageDiff(was, is, soldKey)[0]?.span
}

/** Throws 422 `code` at `field` when the change would alter what a finalized invoice billed and no open invoice can prorate it. */
export function checkContractChange(change: ContractChangeInput, problem: { field: string; code: string }): void {
  const finalAt = new Set(change.final.map((f) => f.periodIndex))
  const final = [...change.final].sort((a, b) => a.periodIndex - b.periodIndex)
  for (const f of final) {
    for (const p of PARTS) {
      const span = changedSpan(change.before, change.after, f.periodIndex, p)
      if (span === undefined) continue
      const carrier = scheduledInvoice(change.after.schedule, f.periodIndex + 1)
      if (p.part === 'advance' && !finalAt.has(f.periodIndex + 1) && carrier?.arrears) continue
      const message = `finalized invoice ${f.number} (dated ${f.billingDate}) billed ${what(p, span)}; ${reason(p.part, finalAt.has(f.periodIndex + 1))}`
      throw new UnprocessableError(problem.code, message, [{ field: problem.field, code: problem.code, message }], {
        hint: `start the change on ${span.end} or later; or void the invoice (POST /v1/invoices/:id/void), amend the contract, then reissue it (POST /v1/invoices/:id/reissue)`,
      })
    }
  }
}

function what(p: (typeof PARTS)[number], span: Span): string {
  return `${p.what} from ${span.start} to ${span.end}, which this change alters`
}

function reason(part: 'advance' | 'arrears', nextFinal: boolean): string {
  if (part === 'arrears') return 'a final invoice never changes'
  return nextFinal
    ? 'the invoice that bills that period in arrears is final too, so no invoice is left to prorate it on'
    : 'the change ends the contract before the invoice that would prorate it'
}
