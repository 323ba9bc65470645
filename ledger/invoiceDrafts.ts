// The rating job's write path. Everything about one contract happens in one transaction that
// first locks the contract row (`select … for update`): two rating runs (two processes, two
// hosts) queue on that lock, so they can never both rate the contract; the second then finds
// the first one's invoice through the unique index on (contract_id, billing_date) of live
// (not void) invoices and writes nothing when the content hash is the same. No in-process
// flag is involved. A period whose only invoices are void is not billed again unless the
// draft says which void invoice it replaces (a reissue; `replaces_invoice_id` is unique).
import { and, asc, eq } from 'drizzle-orm'
import { NotFoundError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertOrgId, isUuid } from './ids.ts'
import { lockedGrantsForContract } from './creditGrantBalances.ts'
import { contractInvoices, finalizeLocked, toInvoice, toLine, type Invoice, type InvoiceLine, type NewInvoiceLine } from './invoices.ts'
import type { RatingDocuments, RatingSession } from './ratingStore.ts'
import { decideDraft, draftHeader, newDraftRow } from './draftDecision.ts'
import { withContractLocks, type ContractBatch } from './invoiceDraftBatch.ts'
import { contracts } from './schema/contracts.ts'
import { queueInvoiceEventIn } from './webhooks/lifecycleEvents.ts'
import { invoiceLines, invoices } from './schema/invoices.ts'

export interface DraftInvoice {
  customerId: string
  billingDate: string
  periodIndex: number
  currency: string
  total: string
  contentHash: string
  ratingInput: Record<string, unknown>
  creditDraws: { id: string; drawn: string }[]
  graceUntil: Date
  dueDate: string
  lines: NewInvoiceLine[]
  /** Set by a reissue only: the void invoice of this billing date that the new draft re-bills. */
  replacesInvoiceId?: string
}

/** `voided`: the period's only invoices are void and the draft is no reissue, so nothing was written. */
export type DraftOutcome = 'created' | 'updated' | 'unchanged' | 'final' | 'voided'

export interface ContractRatingSession {
  /** The contract's invoices, oldest billing date first, as of the lock. */
  invoices: Invoice[]
  lines(invoiceId: string): Promise<InvoiceLine[]>
  /**
   * Creates or replaces the draft for `billingDate`; a finalized invoice is left alone (`final`),
   * and so is a period whose only invoices are void (`voided`) unless `replacesInvoiceId` is set.
   */
  writeDraft(draft: DraftInvoice, now: Date): Promise<{ invoice: Invoice; outcome: DraftOutcome }>
  finalize(invoiceId: string, now: Date): Promise<Invoice>
}

export interface InvoiceDraftStore {
  /** Runs `fn` in one transaction holding the contract's row lock. */
  withContractLock<T>(orgId: string, contractId: string, fn: (session: ContractRatingSession) => Promise<T>): Promise<T>
  /**
   * Runs `fn` in one transaction holding the row locks of a chunk of contracts; the sessions'
   * writes are held and written in multi-row statements when `fn` returns (invoiceDraftBatch.ts).
   */
  withContractLocks<T>(chunk: readonly { orgId: string; id: string }[], fn: (batch: ContractBatch) => Promise<T>): Promise<T>
}

export function createInvoiceDraftStore(db: Database, documents: RatingDocuments): InvoiceDraftStore {
  return {
    withContractLocks: (chunk, fn) => withContractLocks(db, documents, chunk, fn),
    async withContractLock(orgId, contractId, fn) {
      assertOrgId(orgId)
      if (!isUuid(contractId)) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [locked] = await tx
          .select({ id: contracts.id, customerId: contracts.customerId })
          .from(contracts)
          .where(and(eq(contracts.orgId, orgId), eq(contracts.id, contractId)))
          .for('update')
        if (!locked) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
        const rows = (await contractInvoices(tx, contractId)).reverse()
        // The customer's API credit grants, locked after the contract (always in that order): runs of its other contracts draw after this one commits.
        const creditGrants = await lockedGrantsForContract(tx, { orgId, customerId: locked.customerId, contractId })
        const session: RatingSession = {
          creditGrants,
          invoices: rows.map((r) => toInvoice(r, rows.find((x) => x.replacesInvoiceId === r.id)?.id ?? null)),
          async lines(invoiceId) {
            const found = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position))
            return found.map(toLine)
          },
          async writeDraft(draft, now) {
            documents.ratingRecord(draft.ratingInput)
            const period = await tx
              .select()
              .from(invoices)
              .where(and(eq(invoices.contractId, contractId), eq(invoices.billingDate, draft.billingDate)))
              .for('update')
            const decision = decideDraft(period, draft)
            switch (decision.kind) {
              case 'voided':
              case 'final':
              case 'unchanged':
                return { invoice: toInvoice(decision.row), outcome: decision.kind }
              case 'moveGrace': {
                const [moved] = await tx.update(invoices).set({ graceUntil: draft.graceUntil }).where(eq(invoices.id, decision.row.id)).returning()
                return { invoice: toInvoice(moved!), outcome: 'unchanged' }
              }
            }
            let row
            if (decision.kind === 'update') {
              await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, decision.row.id))
              ;[row] = await tx.update(invoices).set(draftHeader(draft, now)).where(eq(invoices.id, decision.row.id)).returning()
            } else {
              ;[row] = await tx
                .insert(invoices)
                .values(newDraftRow({ orgId, contractId }, draft, now))
                .returning()
              await queueInvoiceEventIn(tx, 'invoice.drafted', row!, now)
            }
            if (draft.lines.length > 0) {
              await tx.insert(invoiceLines).values(draft.lines.map((l) => ({ ...l, orgId, invoiceId: row!.id })))
            }
            return { invoice: toInvoice(row!), outcome: decision.kind === 'update' ? 'updated' : 'created' }
          },
          async finalize(invoiceId, now) {
            const [row] = await tx
              .select()
              .from(invoices)
              .where(and(eq(invoices.contractId, contractId), eq(invoices.id, invoiceId)))
              .for('update')
            if (!row) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`)
            return toInvoice(await finalizeLocked(tx, row, now))
          },
        }
        return fn(session)
      })
    },
  }
}
