// An invoice off the schedule (a charge billed at once, chargeInvoice.ts; a threshold invoice,
// thresholdInvoice.ts): written and finalized in the caller's transaction under the contract's
// lock, dated `date`, filed under period index −1 so nothing that reads the schedule's periods
// (advance billed, prorations, commitments, the billed-period rule) takes it for a scheduled one.
// The ledger keeps one live invoice per contract and date, so a date that has one already gets
// nothing (null): the caller says why.
import type { Contract, ContractRatingSession, Invoice } from '../../ledger/ratingStore.ts'
import { addDays } from '../compute/calendar/calendarDate.ts'
import type { PricedInvoice } from './priceInvoice.ts'

export const AD_HOC_PERIOD_INDEX = -1

export async function writeAdHocInvoice(input: {
  session: Pick<ContractRatingSession, 'writeDraft' | 'finalize'>
  contract: Contract
  date: string
  priced: PricedInvoice
  now: Date
}): Promise<Invoice | null> {
  const { contract, date, priced, now } = input
  const written = await input.session.writeDraft(
    {
      customerId: contract.customerId,
      billingDate: date,
      periodIndex: AD_HOC_PERIOD_INDEX,
      currency: contract.currency,
      total: priced.total,
      contentHash: priced.contentHash,
      ratingInput: priced.record,
      // Nothing drawn: neither a charge billed at once nor usage billed early takes a credit grant.
      creditDraws: [],
      // Final at once: no grace period to review it in.
      graceUntil: now,
      dueDate: addDays(date, contract.netTermsDays),
      lines: priced.lines,
    },
    now,
  )
  if (written.outcome !== 'created') return null
  return input.session.finalize(written.invoice.id, now)
}
