// Re-bills the period of a void invoice (POST /v1/invoices/:id/reissue): rates the same
// contract billing date now, with today's usage (the same QuantitySource as a run) and the
// contract's current prices, through the rating run's own steps (planWork, fetchUsage,
// rateScheduledInvoice), and writes a NEW draft naming the void invoice in `replaces_invoice_id`. The
// void invoice never changes (it keeps its number); the draft follows the normal lifecycle.
//
// Idempotent in the database: the work is done under the contract's row lock, which finds a
// replacement written by an earlier call, and `replaces_invoice_id` is unique, so two calls
// (two processes) can never leave two drafts.
import { invoiceStateError, type Invoice, type RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { ConflictError, TallyError, UnavailableError } from '../../platform/errors.ts'
import { scheduledInvoice } from './billingSchedule.ts'
import type { QuantitySource } from './quantitySource.ts'
import { fetchUsage, liveInvoice, rateScheduledInvoice } from './rateScheduledInvoice.ts'
import { attachCharges } from './oneOffCharges.ts'
import { planWork, productsOf } from './ratingRun.ts'

export interface ReissueDeps {
  ledger: RatingStore
  quantities: QuantitySource
  /** The rating grace period: the new draft is re-rated by runs until reissue time + this. */
  graceHours: number
  /** The reissue instant: the new draft's grace period runs from it. */
  clock: Clock
}

/** The replacement draft, and whether this call created it (false: an earlier call did). */
export interface Reissued {
  invoice: Invoice
  created: boolean
}

const asDate = (iso: string | null) => (iso === null ? null : new Date(iso))

export async function reissueInvoice(deps: ReissueDeps, orgId: string, invoiceId: string): Promise<Reissued> {
  const { ledger } = deps
  const voided = await ledger.invoices.get(orgId, invoiceId)
  if (voided.status !== 'void') throw invoiceStateError('reissue', { ...voided, voidedAt: asDate(voided.voidedAt), paidAt: asDate(voided.paidAt) })
  // A retry after success needs no metric run; the locked check below is the one that decides.
  if (voided.replacedByInvoiceId) return { invoice: await ledger.invoices.get(orgId, voided.replacedByInvoiceId), created: false }

  const contract = await ledger.contracts.get(orgId, voided.contractId)
  const schedule = {
    startDate: contract.startDate,
    endDate: contract.endDate,
    cadence: contract.cadence,
    anchorDay: contract.anchorDay,
    renewal: contract.renewal,
  }
  const scheduled = scheduledInvoice(schedule, voided.periodIndex)
  if (scheduled?.billingDate !== voided.billingDate) {
    throw new ConflictError('invoice_not_reissuable', `contract ${contract.id} no longer bills period ${voided.periodIndex} on ${voided.billingDate}`, {
      hint: 'Bill the charges with the next rating run of the contract, or correct them with an adjustment.',
    })
  }
  const statuses = new Map<string, string>()
  for (const s of await ledger.invoices.statusesForContracts([contract.id])) {
    if (s.status !== 'void' || !statuses.has(s.billingDate)) statuses.set(s.billingDate, s.status)
  }
  const work = planWork(contract, await productsOf(ledger, [contract]), scheduled, (billingDate) => statuses.get(billingDate))
  await attachCharges(ledger, [{ contract, work: [work] }])
  const fetched = await fetchUsage(deps.quantities, [{ contract, items: [...work.items, ...(work.previous?.items ?? [])] }])
  const failed = fetched.failure(contract, [...work.items, ...(work.previous?.items ?? [])])
  if (failed !== undefined) throw new UnavailableError('metric_unavailable', `invoice ${invoiceId} was not reissued: ${failed}`, 30)
  const currencies = await ledger.currencies.table(orgId)

  return ledger.invoiceDrafts.withContractLock(orgId, contract.id, async (session) => {
    const known = [...session.invoices]
    const replacement = known.find((i) => i.replacesInvoiceId === voided.id)
    if (replacement) return { invoice: replacement, created: false }
    const live = liveInvoice(known, voided.billingDate)
    if (live) {
      throw new TallyError(
        'conflict',
        'invoice_not_reissuable',
        `billing date ${voided.billingDate} of contract ${contract.id} is billed by invoice ${live.number ?? live.id} (${live.status})`,
        [{ field: 'billing_date', code: 'period_billed', message: `invoice ${live.id} bills it` }],
        {
          hint: `Correct invoice ${live.id} instead (void and reissue it, or a credit note).`,
        },
      )
    }
    const rated = await rateScheduledInvoice({
      session,
      contract,
      work,
      known,
      usageFor: (metric) => fetched.usageFor(contract, metric),
      graceHours: deps.graceHours,
      now: deps.clock.now(),
      replaces: voided,
      currencies,
    })
    if (rated.kind === 'nothing') {
      throw new ConflictError(
        'nothing_to_bill',
        `billing date ${voided.billingDate} of contract ${contract.id} has nothing to bill now; no invoice was written`,
        {
          hint: 'Nothing is owed for the period with the current prices and usage; the void invoice stays as it is.',
        },
      )
    }
    // 'final' and 'voided' cannot happen: no live invoice, and this draft names what it replaces.
    if (rated.kind !== 'written') throw new Error(`reissue of ${invoiceId}: unexpected ${rated.kind}`)
    return { invoice: rated.invoice, created: rated.outcome === 'created' }
  })
}
