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
import { contractInvoices, finalizeLocked, toInvoice, toLine, type Invoice, type InvoiceLine, type NewInvoiceLine } from './invoices.ts'
import type { RatingDocuments } from './ratingStore.ts'
import { contracts } from './schema/contracts.ts'
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
}

export function createInvoiceDraftStore(db: Database, documents: RatingDocuments): InvoiceDraftStore {
  return {
    async withContractLock(orgId, contractId, fn) {
      assertOrgId(orgId)
      if (!isUuid(contractId)) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [locked] = await tx
          .select({ id: contracts.id })
          .from(contracts)
          .where(and(eq(contracts.orgId, orgId), eq(contracts.id, contractId)))
          .for('update')
        if (!locked) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
        const rows = (await contractInvoices(tx, contractId)).reverse()
        const session: ContractRatingSession = {
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
            // At most one is live (the partial unique index); any number may be void.
            const existing = period.find((r) => r.status !== 'void')
            const voided = period.find((r) => r.status === 'void')
            // A void may mean "do not bill this": only a reissue bills the period again.
            if (!existing && voided && draft.replacesInvoiceId === undefined) return { invoice: toInvoice(voided), outcome: 'voided' }
            const header = {
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
            if (existing && existing.status !== 'draft') return { invoice: toInvoice(existing), outcome: 'final' }
            if (existing && existing.contentHash === draft.contentHash) {
              // Same content: only the grace deadline may move (a changed configuration).
              if (existing.graceUntil.getTime() === draft.graceUntil.getTime()) return { invoice: toInvoice(existing), outcome: 'unchanged' }
              const [moved] = await tx.update(invoices).set({ graceUntil: draft.graceUntil }).where(eq(invoices.id, existing.id)).returning()
              return { invoice: toInvoice(moved!), outcome: 'unchanged' }
            }
            let row
            if (existing) {
              await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id))
              ;[row] = await tx.update(invoices).set(header).where(eq(invoices.id, existing.id)).returning()
            } else {
              ;[row] = await tx
                .insert(invoices)
                .values({
                  ...header,
                  orgId,
                  contractId,
                  customerId: draft.customerId,
                  billingDate: draft.billingDate,
                  status: 'draft',
                  // Stamped by the caller's clock: a replacement's grace period runs from the reissue, and
                  // a draft first written after its grace ended is held for review (ratingRun reads it back).
                  createdAt: now,
                  ...(draft.replacesInvoiceId !== undefined ? { replacesInvoiceId: draft.replacesInvoiceId } : {}),
                })
                .returning()
            }
            if (draft.lines.length > 0) {
              await tx.insert(invoiceLines).values(draft.lines.map((l) => ({ ...l, orgId, invoiceId: row!.id })))
            }
            return { invoice: toInvoice(row!), outcome: existing ? 'updated' : 'created' }
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
