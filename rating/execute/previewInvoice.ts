// What a contract's invoice would bill now, from real usage, written nowhere (POST
// /v1/invoices/preview; Stripe's upcoming invoice, Orb's and Lago's preview). It is the rating
// run's own path for one scheduled invoice, never a second pricing: the schedule
// (billingSchedule.ts), the items (planWork), ONE metric run per metric version and period
// (fetchUsage), then priceScheduledInvoice with the contract's invoices as they are (credit
// balances, what the invoice before billed in advance, late usage of a final previous invoice).
// No lock is taken and nothing is written, so a run in between may bill something else.
//
// Which invoice: `billingDate` when given (it must be one of the contract's billing dates),
// else the upcoming one, the first whose billing date has not begun at `asOf` in the contract's
// zone. Monthly from 2026-01-01, as of 2026-01-20 that is the invoice of 2026-02-01: January's
// usage so far in arrears and February's fees in advance.
import type { Contract, Invoice, RatingStore } from '../../ledger/ratingStore.ts'
import { UnavailableError, UnprocessableError } from '../../platform/errors.ts'
import { startOfDay } from '../compute/calendar/zonedBoundary.ts'
import { dueInvoices, scheduledInvoice, type ScheduledInvoice } from './billingSchedule.ts'
import type { PricedInvoice } from './priceInvoice.ts'
import type { QuantitySource } from './quantitySource.ts'
import { fetchUsage, liveInvoice, priceScheduledInvoice } from './rateScheduledInvoice.ts'
import { attachCharges } from './oneOffCharges.ts'
import { planWork, productsOf, scheduleOf } from './ratingRun.ts'

export interface PreviewDeps {
  ledger: Pick<RatingStore, 'contracts' | 'products' | 'invoices' | 'currencies' | 'creditGrants' | 'charges'>
  quantities: QuantitySource
}

export interface ContractPreviewRequest {
  orgId: string
  contractId: string
  /** The billing date to preview; default: the upcoming invoice at `asOf`. */
  billingDate?: string
  asOf: Date
  /** The contract as an amendment would leave it (an amendment preview); default: as stored. */
  contract?: Contract
}

export interface ContractPreview {
  contract: Contract
  scheduled: ScheduledInvoice
  priced: PricedInvoice
  /** The live invoice of that billing date, when one was written. */
  existing: Invoice | null
}

function scheduledFor(contract: Contract, req: ContractPreviewRequest): ScheduledInvoice {
  const schedule = scheduleOf(contract)
  if (req.billingDate !== undefined) {
    const wanted = req.billingDate
    const upTo = dueInvoices(schedule, (date) => date <= wanted)
    const found = upTo.at(-1)
    if (found?.billingDate === wanted) return found
    const next = scheduledInvoice(schedule, upTo.length)
    const message = `contract ${contract.id} has no invoice dated ${wanted}`
    throw new UnprocessableError('billing_date_not_scheduled', message, [{ field: 'billing_date', code: 'billing_date_not_scheduled', message }], {
      hint: next ? `Its next billing date after that is ${next.billingDate}.` : 'The contract bills nothing after that date.',
    })
  }
  const due = dueInvoices(schedule, (date) => startOfDay(date, contract.timeZone).getTime() <= req.asOf.getTime())
  const upcoming = scheduledInvoice(schedule, due.length)
  if (upcoming === null) {
    const message = `contract ${contract.id} has no invoice after ${req.asOf.toISOString()}`
    throw new UnprocessableError('no_upcoming_invoice', message, [{ field: 'contract_id', code: 'no_upcoming_invoice', message }], {
      hint: `Pass billing_date to preview one of its invoices${due.length > 0 ? `, e.g. the last, ${due.at(-1)!.billingDate}` : ''}.`,
    })
  }
  return upcoming
}

export async function previewContractInvoice(deps: PreviewDeps, req: ContractPreviewRequest): Promise<ContractPreview> {
  const { ledger } = deps
  const contract = req.contract ?? (await ledger.contracts.get(req.orgId, req.contractId))
  const scheduled = scheduledFor(contract, req)
  const rows = await ledger.invoices.statusesForContracts([contract.id])
  const known = await Promise.all(rows.map((r) => ledger.invoices.get(req.orgId, r.id)))
  const statusOf = (billingDate: string) => (liveInvoice(known, billingDate) ?? known.find((i) => i.billingDate === billingDate))?.status
  const work = planWork(contract, await productsOf(ledger, [contract]), scheduled, statusOf)
  await attachCharges(ledger, [{ contract, work: [work] }])
  const items = [...work.items, ...(work.previous?.items ?? [])]
  const fetched = await fetchUsage(deps.quantities, [{ contract, items }])
  const failed = fetched.failure(contract, items)
  if (failed !== undefined) throw new UnavailableError('metric_unavailable', `the invoice of ${scheduled.billingDate} could not be previewed: ${failed}`, 30)
  const priced = priceScheduledInvoice({
    contract,
    work,
    known,
    usageFor: (metric) => fetched.usageFor(contract, metric),
    currencies: await ledger.currencies.table(req.orgId),
    grants: await ledger.creditGrants.drawableFor({ orgId: req.orgId, customerId: contract.customerId, contractId: contract.id }),
  })
  return { contract, scheduled, priced, existing: liveInvoice(known, scheduled.billingDate) ?? null }
}
