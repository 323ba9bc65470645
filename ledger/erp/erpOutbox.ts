// The outbox's drain side: what connectors/erp/drain reads and records. A row is due when it
// is pending, its `next_attempt_at` has come, and the row it depends on is sent (customer →
// invoice → payment, credit note, void), so dependencies leave in order across drain passes.
// Recording is one UPDATE per outcome; a row is never deleted (it is the audit of what left).
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Database } from '../../platform/postgres/database.ts'
import { assertOrgId, toIso, toIsoOrNull } from '../ids.ts'
import { erpOutbox, type ErpOutboxStatus } from '../schema/erp.ts'
import type { ErpDocument, ErpDocumentKind } from './erpDocuments.ts'

export interface OutboxRow {
  id: string
  connectionId: string
  kind: ErpDocumentKind
  tallyId: string
  document: ErpDocument
  idempotencyKey: string
  status: ErpOutboxStatus
  attempts: number
  /** Null: due at once. */
  nextAttemptAt: string | null
  erpId: string | null
  lastError: string | null
  sentAt: string | null
  createdAt: string
}

export interface OutboxStatus {
  counts: Record<ErpOutboxStatus, number>
  /** Failed rows and pending rows that failed an attempt, most recent first. */
  lastErrors: OutboxRow[]
  /** The connection's rows, most recent first (at most `limit`). */
  documents: OutboxRow[]
}

export interface ErpOutboxRepository {
  /** Due rows of the connection whose dependency is sent, oldest first. */
  due(connectionId: string, now: Date, limit: number): Promise<OutboxRow[]>
  /** The ERP ids of the connection's sent rows naming these Tally ids. */
  erpIds(connectionId: string, tallyIds: readonly string[]): Promise<{ kind: ErpDocumentKind; tallyId: string; erpId: string }[]>
  markSent(id: string, erpId: string, at: Date): Promise<void>
  /** Counts the attempt and waits until `nextAttemptAt`. */
  markRetry(id: string, input: { nextAttemptAt: Date; error: string }): Promise<void>
  /** Parks the row with the ERP's message until someone fixes the cause and retries it. */
  markFailed(id: string, error: string): Promise<void>
  /** Failed rows of the connection back to pending, due at once; how many. */
  retryFailed(orgId: string, connectionId: string): Promise<number>
  status(orgId: string, connectionId: string, opts?: { limit?: number }): Promise<OutboxStatus>
}

type Row = typeof erpOutbox.$inferSelect

function toOutboxRow(row: Row): OutboxRow {
  return {
    id: row.id,
    connectionId: row.connectionId,
    kind: row.kind,
    tallyId: row.tallyId,
    document: row.snapshot,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: toIsoOrNull(row.nextAttemptAt),
    erpId: row.erpId,
    lastError: row.lastError,
    sentAt: toIsoOrNull(row.sentAt),
    createdAt: toIso(row.createdAt),
  }
}

export function createErpOutboxRepository(db: Database): ErpOutboxRepository {
  const dependency = alias(erpOutbox, 'dependency')
  const ofConnection = (orgId: string, connectionId: string) => and(eq(erpOutbox.orgId, orgId), eq(erpOutbox.connectionId, connectionId))
  return {
    async due(connectionId, now, limit) {
      const rows = await db
        .select({ row: erpOutbox })
        .from(erpOutbox)
        .leftJoin(dependency, eq(dependency.id, erpOutbox.dependsOn))
        .where(
          and(
            eq(erpOutbox.connectionId, connectionId),
            eq(erpOutbox.status, 'pending'),
            or(isNull(erpOutbox.nextAttemptAt), lte(erpOutbox.nextAttemptAt, now)),
            or(sql`${erpOutbox.dependsOn} is null`, eq(dependency.status, 'sent')),
          ),
        )
        .orderBy(asc(erpOutbox.createdAt), asc(erpOutbox.id))
        .limit(limit)
      return rows.map((r) => toOutboxRow(r.row))
    },

    async erpIds(connectionId, tallyIds) {
      if (tallyIds.length === 0) return []
      const rows = await db
        .select({ kind: erpOutbox.kind, tallyId: erpOutbox.tallyId, erpId: erpOutbox.erpId })
        .from(erpOutbox)
        .where(and(eq(erpOutbox.connectionId, connectionId), eq(erpOutbox.status, 'sent'), inArray(erpOutbox.tallyId, [...tallyIds])))
      return rows.map((r) => ({ kind: r.kind, tallyId: r.tallyId, erpId: r.erpId! }))
    },

    async markSent(id, erpId, at) {
      await db
        .update(erpOutbox)
        .set({ status: 'sent', erpId, sentAt: at, attempts: sql`${erpOutbox.attempts} + 1`, lastError: null })
        .where(eq(erpOutbox.id, id))
    },

    async markRetry(id, input) {
      await db
        .update(erpOutbox)
        .set({ nextAttemptAt: input.nextAttemptAt, lastError: input.error, attempts: sql`${erpOutbox.attempts} + 1` })
        .where(eq(erpOutbox.id, id))
    },

    async markFailed(id, error) {
      await db
        .update(erpOutbox)
        .set({ status: 'failed', lastError: error, attempts: sql`${erpOutbox.attempts} + 1` })
        .where(eq(erpOutbox.id, id))
    },

    async retryFailed(orgId, connectionId) {
      assertOrgId(orgId)
      const rows = await db
        .update(erpOutbox)
        .set({ status: 'pending', nextAttemptAt: null })
        .where(and(ofConnection(orgId, connectionId), eq(erpOutbox.status, 'failed')))
        .returning({ id: erpOutbox.id })
      return rows.length
    },

    async status(orgId, connectionId, opts = {}) {
      assertOrgId(orgId)
      const counted = await db
        .select({ status: erpOutbox.status, n: sql<number>`count(*)::int` })
        .from(erpOutbox)
        .where(ofConnection(orgId, connectionId))
        .groupBy(erpOutbox.status)
      const counts = { pending: 0, sent: 0, failed: 0 }
      for (const c of counted) counts[c.status] = Number(c.n)
      const recent = (where: ReturnType<typeof and>, limit: number) =>
        db.select().from(erpOutbox).where(where).orderBy(desc(erpOutbox.createdAt), desc(erpOutbox.id)).limit(limit)
      const [errors, documents] = await Promise.all([
        recent(and(ofConnection(orgId, connectionId), isNotNull(erpOutbox.lastError)), 20),
        recent(ofConnection(orgId, connectionId), opts.limit ?? 200),
      ])
      return { counts, lastErrors: errors.map(toOutboxRow), documents: documents.map(toOutboxRow) }
    },
  }
}
