// An invoice of its own for a one-off charge billed at once (`invoice_now`, issue 17): priced by
// priceInvoice with no scheduled items (so its lines, record and total are a rating's like any
// other), dated the charge's date, written and finalized (next gap-free number, journal
// posting) in one transaction under the contract's lock. Its period index is −1: it bills no
// period of the schedule, so nothing that reads periods (advance billed, prorations, commitments)
// counts it. Idempotent: a retry finds the live invoice whose record bills the charge.
// One such invoice per contract and day: the ledger keeps one live invoice per contract and
// billing date, so a second charge billed at once the same day, or one on a scheduled billing
// date (its invoice would take that date's place), is refused.
import type { Charge, Contract, CurrencyTable, Invoice, RatingStore } from '../../ledger/ratingStore.ts'
import { ConflictError } from '../../platform/errors.ts'
import { AD_HOC_PERIOD_INDEX, writeAdHocInvoice } from './adHocInvoice.ts'
import { priceInvoice } from './priceInvoice.ts'
import { readRatingRecord } from './ratingRecord.ts'

export interface ChargeInvoiceInput {
  ledger: Pick<RatingStore, 'invoiceDrafts'>
  contract: Contract
  charge: Charge
  currencies: CurrencyTable
  now: Date
}

/** 409: the contract has an invoice dated `date` already, so a charge billed at once cannot have one. */
export function billingDateTaken(date: string): ConflictError {
  return new ConflictError('billing_date_taken', `the contract already has an invoice dated ${date}`, {
    hint: 'add the charge without invoice_now: it is billed on the next invoice',
  })
}

export async function invoiceCharge(input: ChargeInvoiceInput): Promise<Invoice> {
  const { contract, charge, now } = input
  const date = charge.chargeDate
  return input.ledger.invoiceDrafts.withContractLock(contract.orgId, contract.id, async (session) => {
    const billing = session.invoices.find((i) => i.status !== 'void' && (readRatingRecord(i).charges ?? []).some((c) => c.id === charge.id))
    if (billing) return billing
    // Checked before the charge was stored (chargeRoutes.ts); here again under the lock, for a request that raced it.
    if (session.invoices.some((i) => i.billingDate === date && i.status !== 'void')) throw billingDateTaken(date)
    const scheduled = { index: AD_HOC_PERIOD_INDEX, billingDate: date, arrears: null, advance: null }
    const priced = priceInvoice({
      contract,
      scheduled,
      items: [],
      usageOf: () => undefined,
      credits: [],
      previous: null,
      billedBefore: '0',
      billedElsewhere: [],
      currencies: input.currencies,
      charges: [charge],
    })
    const invoice = await writeAdHocInvoice({ session, contract, date, priced, now })
    if (!invoice) throw billingDateTaken(date)
    return invoice
  })
}
