// The rating job's bulk write path: a chunk of contracts in ONE transaction. The chunk's
// contract rows are locked first, in id order in one statement (every run locks in that order,
// so two runs queue on the first shared contract and never deadlock on each other), then every
// invoice of those contracts (`for update`: a finalize, void or payment over HTTP locks the
// invoice row, so none can change what the chunk read). Each contract then gets a session
// (invoiceDrafts.ts `ContractRatingSession`) that decides as the per-contract one does
// (draftDecision.ts) but holds its writes in memory; when the chunk ends they are written in a
// handful of multi-row statements (invoiceBulkWrites.ts): new drafts, re-rated headers, lines,
// numbers, finalizations, then the finalizations' journal entries and lines, revenue schedules
// and `invoice.finalized` events, also in multi-row statements (accounting/lifecyclePostings.ts
// `postFinalizedManyIn`), in the same transaction.
//
// The guarantees of the per-contract path hold: one live invoice per contract and billing date
// (the same unique index, the same lock), a re-run writes nothing when the content hash is the
// same, numbers are gap-free (taken in the transaction, in the order the sessions finalized),
// and a run stopped or killed leaves each contract rated or untouched (here: each chunk).
// `discard` drops one contract's held writes (its rating threw), so the rest of the chunk
// still commits. A statement that fails rolls the whole chunk back: the caller rates that
// chunk again contract by contract (rating/execute/ratingChunk.ts).
import { asc, inArray } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../platform/errors.ts'
import { uuidv7 } from '../platform/uuidv7.ts'
import type { Database } from '../platform/postgres/database.ts'
import { postFinalizedManyIn } from './accounting/lifecyclePostings.ts'
import { fixTaxesIn } from './tax/invoiceTaxes.ts'
import { queueInvoiceEventsIn } from './webhooks/lifecycleEvents.ts'
import { customerIssuers, nextDocumentNumbers, type Issuer } from './documentNumbers.ts'
import { decideDraft, draftHeader, newDraftRow, type InvoiceRow } from './draftDecision.ts'
import { assertOrgId, isUuid } from './ids.ts'
import { deleteLinesOf, finalizeDraftRows, insertDraftRows, insertLineRows, moveGraceDeadlines, updateDraftHeaders } from './invoiceBulkWrites.ts'
import type { ContractRatingSession, DraftInvoice } from './invoiceDrafts.ts'
import { toInvoice, type Invoice, type NewInvoiceLine } from './invoices.ts'
import { invoiceStateError } from './invoiceStateError.ts'
import type { RatingDocuments, RatingSession } from './ratingStore.ts'
import { lockedGrantsForChunk } from './creditGrantBalances.ts'
import { afterChunkWritten } from './plannerStatistics.ts'
import { contracts } from './schema/contracts.ts'
import { invoices } from './schema/invoices.ts'

export interface ContractBatch {
  /** The session of one contract of the chunk; its writes are held until the chunk ends. */
  session(contractId: string): RatingSession
  /** Drops what the contract's session wrote (its rating failed): the contract stays as it was. */
  discard(contractId: string): void
}

/** What one contract's session holds until the chunk is written. */
interface Held {
  orgId: string
  contractId: string
  /** Every invoice row of the contract as it will be after the held writes. */
  rows: InvoiceRow[]
  inserted: Set<string>
  updated: Set<string>
  graceMoved: Set<string>
  lines: Map<string, NewInvoiceLine[]>
  /** Finalized in this order (the order numbers are given in); each with its returned Invoice to number. */
  finalized: { id: string; at: Date; answer: Invoice }[]
}

export async function withContractLocks<T>(
  db: Database,
  documents: RatingDocuments,
  chunk: readonly { orgId: string; id: string }[],
  fn: (batch: ContractBatch) => Promise<T>,
): Promise<T> {
  for (const c of chunk) {
    assertOrgId(c.orgId)
    if (!isUuid(c.id)) throw new NotFoundError('contract_not_found', `contract ${c.id} does not exist`)
  }
  const ids = [...new Set(chunk.map((c) => c.id))].sort()
  let written = 0
  const answer = await db.transaction(async (raw) => {
    const tx = raw as unknown as Database
    const locked = await tx
      .select({ id: contracts.id, orgId: contracts.orgId, customerId: contracts.customerId })
      .from(contracts)
      .where(inArray(contracts.id, ids))
      .orderBy(asc(contracts.id))
      .for('update')
    const orgOf = new Map(locked.map((c) => [c.id, c.orgId]))
    const rows =
      ids.length === 0
        ? []
        : await tx.select().from(invoices).where(inArray(invoices.contractId, ids)).orderBy(asc(invoices.billingDate), asc(invoices.createdAt)).for('update')
    // The customers' API credit grants, locked after the contracts and invoices (every path locks in that order).
    const grants = await lockedGrantsForChunk(tx, locked)
    const rowsOf = (contractId: string) => held.get(contractId)?.rows ?? rows.filter((r) => r.contractId === contractId)
    const held = new Map<string, Held>()
    const fresh = (orgId: string, contractId: string): Held => ({
      orgId,
      contractId,
      rows: rows.filter((r) => r.contractId === contractId),
      inserted: new Set(),
      updated: new Set(),
      graceMoved: new Set(),
      lines: new Map(),
      finalized: [],
    })
    const batch: ContractBatch = {
      session(contractId) {
        const asked = chunk.find((c) => c.id === contractId)
        if (!asked || orgOf.get(contractId) !== asked.orgId) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
        const h = fresh(asked.orgId, contractId)
        held.set(contractId, h)
        return { ...heldSession(h, documents), creditGrants: grants.forContract(contractId, rowsOf) }
      },
      discard(contractId) {
        held.delete(contractId)
      },
    }
    const result = await fn(batch)
    written = await writeHeld(tx, [...held.values()])
    return result
  })
  // Committed: keep the planner's statistics in step with the tables the chunks grow (plannerStatistics.ts).
  await afterChunkWritten(db, written)
  return answer
}

/** A contract's session over its rows read under the lock, holding its writes. */
function heldSession(h: Held, documents: RatingDocuments): ContractRatingSession {
  const answer = (row: InvoiceRow) => toInvoice(row, h.rows.find((x) => x.replacesInvoiceId === row.id)?.id ?? null)
  const replace = (row: InvoiceRow) => {
    h.rows[h.rows.findIndex((r) => r.id === row.id)] = row
  }
  return {
    invoices: h.rows.map(answer),
    async lines() {
      // NOTE: a run never reads lines under the lock; only the per-contract session offers it.
      throw new ConflictError('batch_lines_unsupported', 'lines are not readable inside a chunk of a rating run')
    },
    async writeDraft(draft: DraftInvoice, now: Date) {
      documents.ratingRecord(draft.ratingInput)
      const decision = decideDraft(
        h.rows.filter((r) => r.billingDate === draft.billingDate),
        draft,
      )
      switch (decision.kind) {
        case 'voided':
        case 'final':
        case 'unchanged':
          return { invoice: answer(decision.row), outcome: decision.kind }
        case 'moveGrace': {
          const moved = { ...decision.row, graceUntil: draft.graceUntil }
          replace(moved)
          if (!h.inserted.has(moved.id) && !h.updated.has(moved.id)) h.graceMoved.add(moved.id)
          return { invoice: answer(moved), outcome: 'unchanged' }
        }
        case 'update': {
          const row = { ...decision.row, ...draftHeader(draft, now) }
          replace(row)
          if (!h.inserted.has(row.id)) h.updated.add(row.id)
          h.graceMoved.delete(row.id)
          h.lines.set(row.id, draft.lines)
          return { invoice: answer(row), outcome: 'updated' }
        }
        case 'insert': {
          const row: InvoiceRow = {
            ...newDraftRow({ orgId: h.orgId, contractId: h.contractId }, draft, now),
            // Time-ordered, as the schema's other bulk-written keys (schema/orderedId.ts).
            id: uuidv7(),
            number: null,
            billingEntityId: null,
            displayNumber: null,
            taxTotal: '0',
            finalizedAt: null,
            paidAt: null,
            voidedAt: null,
            voidReason: null,
            replacesInvoiceId: draft.replacesInvoiceId ?? null,
          }
          h.rows.push(row)
          h.inserted.add(row.id)
          h.lines.set(row.id, draft.lines)
          return { invoice: answer(row), outcome: 'created' }
        }
      }
    },
    async finalize(invoiceId: string, now: Date) {
      const row = h.rows.find((r) => r.id === invoiceId)
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${invoiceId} does not exist`)
      if (row.status === 'void') throw invoiceStateError('finalize', row)
      if (row.status !== 'draft') return answer(row)
      const final = { ...row, status: 'finalized' as const, finalizedAt: now }
      replace(final)
      // The number is given when the chunk is written; the answer gets it then.
      const invoice = answer(final)
      h.finalized.push({ id: invoiceId, at: now, answer: invoice })
      return invoice
    },
  }
}

/** Writes every held change of the chunk: a few multi-row statements, then the postings of the finalized invoices. Returns the invoice and line rows written. */
async function writeHeld(tx: Database, all: readonly Held[]): Promise<number> {
  const rowOf = (h: Held, id: string) => h.rows.find((r) => r.id === id)!
  // Inserted as drafts, lines added, then finalized: the order the triggers of migration 0002 allow.
  const draftOf = (r: InvoiceRow): InvoiceRow => ({ ...r, status: 'draft', number: null, finalizedAt: null })
  const drafted = all.flatMap((h) => [...h.inserted].map((id) => draftOf(rowOf(h, id))))
  await insertDraftRows(tx, drafted)
  await queueInvoiceEventsIn(
    tx,
    'invoice.drafted',
    drafted.map((invoice) => ({ invoice, at: invoice.createdAt })),
  )
  const updated = all.flatMap((h) => [...h.updated].map((id) => rowOf(h, id)))
  await deleteLinesOf(
    tx,
    updated.map((r) => r.id),
  )
  await updateDraftHeaders(tx, updated)
  await moveGraceDeadlines(
    tx,
    all.flatMap((h) => [...h.graceMoved].map((id) => rowOf(h, id))),
  )
  const lineRows = all.flatMap((h) => [...h.lines].flatMap(([invoiceId, lines]) => lines.map((l) => ({ ...l, orgId: h.orgId, invoiceId }))))
  await insertLineRows(tx, lineRows)
  // Numbers per issuer (organisation, billing entity of the customer), in the order the sessions
  // finalized (contract order, then date).
  const finalized = all.flatMap((h) => h.finalized.map((f) => ({ h, f })))
  const entities = await customerIssuers(
    tx,
    finalized.map(({ h, f }) => rowOf(h, f.id).customerId),
  )
  const byIssuer = new Map<string, { issuer: Issuer; list: typeof finalized }>()
  for (const item of finalized) {
    const issuer = { orgId: item.h.orgId, billingEntityId: entities.get(rowOf(item.h, item.f.id).customerId) ?? null }
    const key = `${issuer.orgId}/${issuer.billingEntityId ?? ''}`
    const group = byIssuer.get(key) ?? { issuer, list: [] }
    group.list.push(item)
    byIssuer.set(key, group)
  }
  const posted: InvoiceRow[] = []
  // Counter rows are locked in one order (by issuer key) in every chunk, so two chunks finalizing
  // for the same issuers queue behind each other instead of deadlocking.
  for (const [, { issuer, list }] of [...byIssuer].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const numbers = await nextDocumentNumbers(tx, { ...issuer, kind: 'invoice' }, list.length)
    const taxes = await fixTaxesIn(
      tx,
      list.map(({ h, f }) => rowOf(h, f.id)),
    )
    const rows = list.map(({ h, f }, i) => {
      const row = { ...rowOf(h, f.id), ...numbers[i]!, billingEntityId: issuer.billingEntityId, ...taxes.get(f.id)! }
      f.answer.number = row.number
      f.answer.billingEntityId = row.billingEntityId
      f.answer.displayNumber = row.displayNumber
      f.answer.total = row.total
      f.answer.taxTotal = row.taxTotal
      return row
    })
    const changed = await finalizeDraftRows(
      tx,
      rows.map((r) => ({ ...r, finalizedAt: r.finalizedAt! })),
    )
    if (changed !== rows.length)
      throw new ConflictError('invoice_changed_under_lock', `${rows.length - changed} invoice(s) of the chunk were not drafts any more`)
    posted.push(...rows)
  }
  await postFinalizedManyIn(
    tx,
    posted.map((invoice) => ({ invoice, at: invoice.finalizedAt! })),
  )
  return drafted.length + updated.length + lineRows.length + posted.length
}
