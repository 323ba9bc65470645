// The outbox's write side (DESIGN invariant 8): called by journals.ts for the entries it posts,
// inside the posting transaction, so a ledger change and the documents it sends to each ERP
// commit together or not at all. One row per document and active connection of the
// organisation; `(connection, kind, tally id)` is unique and the insert does nothing on
// conflict, so a document is queued once (a customer once per connection, at its first invoice).
//
// Dependencies: an invoice waits for its customer; a payment, credit note or void waits for its
// invoice, and is not queued on a connection that never received the invoice (one created
// after the invoice was finalized): the ERP holds nothing it could apply to.
import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import type { PostedEntry } from '../accounting/journals.ts'
import { erpConnections, erpOutbox } from '../schema/erp.ts'
import type { ErpDocument } from './erpDocuments.ts'
import { documentsOfEntryIn } from './erpSnapshots.ts'

/**
 * Stable per row, the same on every attempt: derived from what the row is, so the ERP's
 * idempotency (Xero `Idempotency-Key`, QuickBooks `requestid`, NetSuite external id) answers a
 * resend after a crash with the first response.
 */
export function idempotencyKeyOf(connectionId: string, kind: string, tallyId: string): string {
  return createHash('sha256').update(`${connectionId}/${kind}/${tallyId}`).digest('hex').slice(0, 40)
}

/** Queues the documents of just-posted entries, in order, on every active connection of their organisation (one connections read per organisation). */
export async function queueEntriesIn(tx: Database, entries: readonly PostedEntry[]): Promise<void> {
  const connectionsOf = new Map<string, { id: string }[]>()
  for (const orgId of new Set(entries.map((e) => e.orgId))) {
    connectionsOf.set(
      orgId,
      await tx
        .select({ id: erpConnections.id })
        .from(erpConnections)
        .where(and(eq(erpConnections.orgId, orgId), eq(erpConnections.status, 'active'))),
    )
  }
  for (const entry of entries) {
    const connections = connectionsOf.get(entry.orgId)!
    if (connections.length === 0) continue
    const documents = await documentsOfEntryIn(tx, entry)
    for (const { id: connectionId } of connections) {
      let customerRow: string | null = null
      for (const document of documents) {
        const dependsOn = document.kind === 'invoice' ? customerRow : await dependencyIn(tx, connectionId, document)
        if (dependsOn === undefined) continue
        const id = await queueIn(tx, { orgId: entry.orgId, connectionId, document, dependsOn, at: new Date(entry.createdAt) })
        if (document.kind === 'customer') customerRow = id
      }
    }
  }
}

/** The row a payment, credit note or void waits for (its invoice's), undefined when its invoice was never queued here; null for documents that wait for none. */
async function dependencyIn(tx: Database, connectionId: string, document: ErpDocument): Promise<string | null | undefined> {
  if (document.kind !== 'payment' && document.kind !== 'credit_note' && document.kind !== 'invoice_void') return null
  return (await queuedIdIn(tx, connectionId, 'invoice', document.invoiceTallyId)) ?? undefined
}

async function queuedIdIn(tx: Database, connectionId: string, kind: ErpDocument['kind'], tallyId: string): Promise<string | null> {
  const [row] = await tx
    .select({ id: erpOutbox.id })
    .from(erpOutbox)
    .where(and(eq(erpOutbox.connectionId, connectionId), eq(erpOutbox.kind, kind), eq(erpOutbox.tallyId, tallyId)))
  return row?.id ?? null
}

/** Inserts the row unless the document is queued on the connection already; its row id either way. */
/** `at`: the entry's posting instant (the caller's clock), the row's `created_at`. */
async function queueIn(tx: Database, row: { orgId: string; connectionId: string; document: ErpDocument; dependsOn: string | null; at: Date }): Promise<string> {
  const { document, connectionId } = row
  const [inserted] = await tx
    .insert(erpOutbox)
    .values({
      orgId: row.orgId,
      connectionId,
      kind: document.kind,
      tallyId: document.tallyId,
      snapshot: document,
      idempotencyKey: idempotencyKeyOf(connectionId, document.kind, document.tallyId),
      dependsOn: row.dependsOn,
      createdAt: row.at,
    })
    .onConflictDoNothing({ target: [erpOutbox.connectionId, erpOutbox.kind, erpOutbox.tallyId] })
    .returning({ id: erpOutbox.id })
  return inserted?.id ?? (await queuedIdIn(tx, connectionId, document.kind, document.tallyId))!
}
