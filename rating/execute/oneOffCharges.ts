// Which one-off charges an invoice bills (issue 17): those dated from the billing date of the
// invoice before it (included) to its own (excluded); the opening invoice bills everything dated
// before it. Each charge is so billed by exactly one scheduled invoice, decided by dates alone: a
// re-rated draft bills the same charges, a void and reissue bills them again on the replacement,
// and a run never needs to mark a charge billed. A charge made on January 20th of a monthly
// contract from January 1st is billed on February 1st's invoice; one made on February 1st on
// March 1st's, since February 1st's may already be final by then. A charge billed at once
// (`bill_now`, chargeInvoice.ts) is on an invoice of its own and on no scheduled one.
import type { Charge, Contract, RatingStore } from '../../ledger/ratingStore.ts'
import { scheduledInvoice, type Schedule, type ScheduledInvoice } from './billingSchedule.ts'
import type { Work } from './rateScheduledInvoice.ts'
import { scheduleOf } from './ratingRun.ts'

export function chargesBilledOn(charges: readonly Charge[], schedule: Schedule, scheduled: ScheduledInvoice): Charge[] {
  const from = scheduled.index === 0 ? undefined : scheduledInvoice(schedule, scheduled.index - 1)?.billingDate
  return charges.filter((c) => !c.billNow && c.chargeDate < scheduled.billingDate && (from === undefined || c.chargeDate >= from))
}

/** Sets each planned invoice's charges from the contracts' charges, read in one query. */
export async function attachCharges(ledger: Pick<RatingStore, 'charges'>, planned: readonly { contract: Contract; work: readonly Work[] }[]): Promise<void> {
  if (planned.length === 0) return
  const all = await ledger.charges.forContracts(planned.map((p) => p.contract.id))
  for (const { contract, work } of planned) {
    const own = all.filter((c) => c.contractId === contract.id)
    for (const w of work) w.charges = chargesBilledOn(own, scheduleOf(contract), w.scheduled)
  }
}
