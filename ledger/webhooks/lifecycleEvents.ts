// The invoice lifecycle's webhook events, queued by the ledger code that changes the document,
// in its transaction: a draft created (invoiceDrafts.ts, invoiceDraftBatch.ts), finalized and
// voided (accounting/lifecyclePostings.ts, which every finalize and void goes through), a payment
// recorded (payments.ts). Each is dated by the change's instant from the caller's clock.
//
// credit.low: when a finalized invoice's draw leaves a customer credit grant (credit_grants, not
// a contract term's) with less than LOW_CREDIT_SHARE of what was credited to it (grant +
// top-ups), having had at least that before the draw; once per grant and invoice. Example: 100.00
// granted, 75.00 drawn earlier, this invoice draws 10.00: 25.00 ≥ 20.00 before, 15.00 < 20.00
// after, so credit.low fires with balance "15.00" and threshold "20.00".
import { eq, inArray } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { grantBalance, grantDraws, grantEntries } from '../creditGrantBalances.ts'
import { createCurrencyRepository } from '../currencies.ts'
import { customers } from '../schema/customers.ts'
import { creditGrants } from '../schema/creditGrants.ts'
import type { invoices } from '../schema/invoices.ts'
import { queueWebhookEventIn, queueWebhookEventsIn, subscriptionsIn, type Subscriptions } from './webhookOutboxWrites.ts'

type InvoiceRow = typeof invoices.$inferSelect

/** The share of a grant's credited amount under which its balance is low. */
export const LOW_CREDIT_SHARE = '0.2'

async function customerIdsIn(tx: Database, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx
    .select({ id: customers.id, externalId: customers.externalId })
    .from(customers)
    .where(inArray(customers.id, [...ids]))
  return new Map(rows.map((r) => [r.id, r.externalId]))
}

function invoiceData(invoice: InvoiceRow, customerExternalId: string): Record<string, unknown> {
  return {
    invoice: {
      id: invoice.id,
      number: invoice.number,
      // Only where the issuer has a prefix, so other organisations' payloads are as they were.
      ...(invoice.displayNumber === null ? {} : { display_number: invoice.displayNumber }),
      status: invoice.status,
      customer_id: customerExternalId,
      contract_id: invoice.contractId,
      currency: invoice.currency,
      billing_date: invoice.billingDate,
      due_date: invoice.dueDate,
      total: invoice.total,
      ...(invoice.voidReason === null ? {} : { void_reason: invoice.voidReason }),
    },
  }
}

type InvoiceEventType = 'invoice.drafted' | 'invoice.finalized' | 'invoice.voided'

export async function queueInvoiceEventIn(tx: Database, type: InvoiceEventType, invoice: InvoiceRow, at: Date): Promise<void> {
  await queueInvoiceEventsIn(tx, type, [{ invoice, at }])
}

/** Per organisation: one subscriptions read, one customers read and a few multi-row inserts for many invoices (a rating chunk's new drafts). */
export async function queueInvoiceEventsIn(tx: Database, type: InvoiceEventType, changes: readonly { invoice: InvoiceRow; at: Date }[]): Promise<void> {
  for (const orgId of new Set(changes.map((c) => c.invoice.orgId))) {
    const subscriptions = await subscriptionsIn(tx, orgId)
    const mine = changes.filter((c) => c.invoice.orgId === orgId)
    if (subscriptions.has(type)) {
      const externalIds = await customerIdsIn(tx, [...new Set(mine.map((c) => c.invoice.customerId))])
      const events = mine.map(({ invoice, at }) => ({ orgId, type, subject: invoice.id, at, data: invoiceData(invoice, externalIds.get(invoice.customerId)!) }))
      await queueWebhookEventsIn(tx, subscriptions, events)
    }
    if (type === 'invoice.finalized' && subscriptions.has('credit.low')) for (const change of mine) await queueLowCreditIn(tx, subscriptions, change)
  }
}

export async function queuePaymentEventIn(
  tx: Database,
  input: { invoice: InvoiceRow; payment: { id: string; amount: string; currency: string; paidOn: string; method: string; reference: string | null }; at: Date },
): Promise<void> {
  const { invoice, payment } = input
  const subscriptions = await subscriptionsIn(tx, invoice.orgId)
  if (!subscriptions.has('payment.recorded')) return
  const data = {
    payment: {
      id: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      paid_on: payment.paidOn,
      method: payment.method,
      reference: payment.reference,
    },
    ...invoiceData(invoice, (await customerIdsIn(tx, [invoice.customerId])).get(invoice.customerId)!),
  }
  await queueWebhookEventIn(tx, subscriptions, { orgId: invoice.orgId, type: 'payment.recorded', subject: payment.id, at: input.at, data })
}

async function queueLowCreditIn(tx: Database, subscriptions: Subscriptions, { invoice, at }: { invoice: InvoiceRow; at: Date }): Promise<void> {
  const drawnHere = new Map(invoice.creditDraws.map((d) => [d.id, d.drawn]))
  const entries = await grantEntries(tx, [...drawnHere.keys()])
  if (entries.length === 0) return
  const draws = await grantDraws(tx, invoice.customerId, [...drawnHere.keys()])
  for (const grantId of new Set(entries.map((e) => e.grantId))) {
    const mine = entries.filter((e) => e.grantId === grantId)
    const credited = mine.filter((e) => e.kind === 'grant' || e.kind === 'top_up').reduce((acc, e) => acc.plus(e.amount), new Dec(0))
    const threshold = credited.times(LOW_CREDIT_SHARE)
    const after = grantBalance(
      mine,
      draws.filter((d) => d.grantId === grantId),
    )
    const before = after.plus(drawnHere.get(grantId)!)
    if (after.gte(threshold) || before.lt(threshold)) continue
    const [grant] = await tx.select({ currency: creditGrants.currency }).from(creditGrants).where(eq(creditGrants.id, grantId))
    const places = (await createCurrencyRepository(tx).table(invoice.orgId)).minorUnits(grant!.currency) ?? 0
    const money = (d: Dec) => d.toFixed(places)
    const data = {
      credit_grant: { id: grantId, currency: grant!.currency, credited: money(credited), balance: money(after), threshold: money(threshold) },
      invoice_id: invoice.id,
    }
    await queueWebhookEventIn(tx, subscriptions, { orgId: invoice.orgId, type: 'credit.low', subject: `${grantId}/${invoice.id}`, at, data })
  }
}
