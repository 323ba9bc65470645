// What writing a rating draft does to a period's invoices, decided from the rows read under the
// contract's lock: the one rule both write paths apply, the per-contract session
// (invoiceDrafts.ts, written at once) and the chunk of contracts (invoiceDraftBatch.ts, written
// in multi-row statements when the chunk ends).
import type { DraftInvoice } from './invoiceDrafts.ts'
import type { invoices } from './schema/invoices.ts'

export type InvoiceRow = typeof invoices.$inferSelect

export type DraftDecision =
  /** The period's only invoices are void and the draft is no reissue: nothing is written. */
  | { kind: 'voided'; row: InvoiceRow }
  /** The live invoice is finalized or paid: left alone. */
  | { kind: 'final'; row: InvoiceRow }
  /** Same content and grace deadline: nothing is written. */
  | { kind: 'unchanged'; row: InvoiceRow }
  /** Same content, another grace deadline (a changed configuration): only `grace_until` moves. */
  | { kind: 'moveGrace'; row: InvoiceRow }
  /** Another content: the draft's header is replaced and its lines rewritten. */
  | { kind: 'update'; row: InvoiceRow }
  | { kind: 'insert' }

/** `period`: every invoice of the contract and billing date (at most one live, any number void). */
export function decideDraft(period: readonly InvoiceRow[], draft: DraftInvoice): DraftDecision {
  const existing = period.find((r) => r.status !== 'void')
  const voided = period.find((r) => r.status === 'void')
  // A void may mean "do not bill this": only a reissue bills the period again.
  if (!existing && voided && draft.replacesInvoiceId === undefined) return { kind: 'voided', row: voided }
  if (!existing) return { kind: 'insert' }
  if (existing.status !== 'draft') return { kind: 'final', row: existing }
  if (existing.contentHash !== draft.contentHash) return { kind: 'update', row: existing }
  return existing.graceUntil.getTime() === draft.graceUntil.getTime() ? { kind: 'unchanged', row: existing } : { kind: 'moveGrace', row: existing }
}

/** The columns a (re-)rating writes on a draft, stamped `rated_at` = `now`. */
export function draftHeader(draft: DraftInvoice, now: Date) {
  return {
    periodIndex: draft.periodIndex,
    currency: draft.currency,
    total: draft.total,
    contentHash: draft.contentHash,
    ratingInput: draft.ratingInput,
    creditDraws: draft.creditDraws,
    graceUntil: draft.graceUntil,
    dueDate: draft.dueDate,
    ratedAt: now,
  }
}

/** A new draft row of `contractId` (id given by the caller, or left to the database's default). */
export function newDraftRow(ids: { orgId: string; contractId: string; id?: string }, draft: DraftInvoice, now: Date) {
  return {
    ...draftHeader(draft, now),
    ...(ids.id !== undefined ? { id: ids.id } : {}),
    orgId: ids.orgId,
    contractId: ids.contractId,
    customerId: draft.customerId,
    billingDate: draft.billingDate,
    status: 'draft' as const,
    // Stamped by the caller's clock: a replacement's grace period runs from the reissue, and
    // a draft first written after its grace ended is held for review (ratingRun reads it back).
    createdAt: now,
    ...(draft.replacesInvoiceId !== undefined ? { replacesInvoiceId: draft.replacesInvoiceId } : {}),
  }
}
