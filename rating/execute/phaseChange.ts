// Whether a phase added to a contract would change what a finalized invoice billed (issue 17).
// Finalized invoices never change (DESIGN invariant 4), so a phase that changes the items of a
// span such an invoice billed would be billed by nobody: 100.00 a month billed in advance and
// finalized on January 1st, then 400.00 from January 16th, leaves (400.00 − 100.00) × 16/31 =
// 154.84 that no invoice ever bills or credits. Such a phase is refused with what to do instead.
//
// What counts is what each timing billed: invoice j bills P_{j-1} in arrears and P_j in advance
// (billingSchedule.ts), so a phase from the 16th that changes only usage prices of the open
// period is fine while the period's fee, billed in advance, is final. Items are compared as
// stored (product, price, quantity; key order ignored); a phase that sells exactly what the one
// before it sold for a timing changes nothing of it.
import type { ContractPhase } from '../../ledger/ratingStore.ts'
import { UnprocessableError } from '../../platform/errors.ts'
import { scheduledInvoice, type Schedule } from './billingSchedule.ts'
import { canonicalJson } from './invoicePlan.ts'

export interface PhaseChange {
  schedule: Schedule
  /** The contract's phases before the change, in date order. */
  phases: readonly ContractPhase[]
  phase: ContractPhase
  /** The contract's finalized and paid invoices (void and draft ones bill nothing final). */
  final: readonly { number: number | null; billingDate: string; periodIndex: number }[]
}

const TIMINGS = [
  { timing: 'in_advance', part: 'advance', what: 'the in-advance items' },
  { timing: 'in_arrears', part: 'arrears', what: 'the usage and fees in arrears' },
] as const

function sold(phase: ContractPhase | undefined, timing: string): string {
  const items = (phase?.items ?? [])
    .filter((i) => i.billing === timing)
    .map((i) => canonicalJson({ product_id: i.product_id, price: i.price, quantity: i.quantity }))
  return JSON.stringify(items.sort())
}

/** Throws 422 `phase_in_billed_period` at `field` when the phase would change a span a finalized invoice billed. */
export function checkPhaseChange(change: PhaseChange, field: string): void {
  const start = change.phase.start_date
  const before = change.phases.filter((p) => p.start_date < start).at(-1)
  // The new phase is in force until the next one starts.
  const until = change.phases.find((p) => p.start_date > start)?.start_date
  for (const { timing, part, what } of TIMINGS) {
    if (sold(before, timing) === sold(change.phase, timing)) continue
    const billed = change.final
      .map((f) => ({ invoice: f, span: scheduledInvoice(change.schedule, f.periodIndex)?.[part]?.active }))
      .filter((b) => b.span !== undefined && b.span.end > start && (until === undefined || b.span.start < until))
      .sort((a, b) => (a.span!.end < b.span!.end ? -1 : 1))
    if (billed.length === 0) continue
    const through = billed.at(-1)!.span!.end
    const numbers = billed.map((b) => `${b.invoice.number} (dated ${b.invoice.billingDate})`).join(', ')
    const message = `finalized invoice ${numbers} billed ${what} through ${through}; a phase from ${start} would change what it billed, and a final invoice never changes`
    throw new UnprocessableError('phase_in_billed_period', message, [{ field, code: 'phase_in_billed_period', message }], {
      hint: `start the phase on ${through} or later; or void the invoice (POST /v1/invoices/:id/void), add the phase, then reissue it (POST /v1/invoices/:id/reissue)`,
    })
  }
}
