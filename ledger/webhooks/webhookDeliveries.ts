// The webhook outbox's drain side: what connectors/webhooks reads and records, and the delivery
// log the API serves. A delivery is due when it is pending and its `next_attempt_at` is null or
// past. `claimDue` takes due rows for one attempt by moving their `next_attempt_at` to a lease
// (`for update skip locked`), so two drains (the scheduler, a redelivery's kick in the API
// process) never send one delivery at once, and a drain that dies mid-attempt leaves it due
// again when the lease ends. Each attempt is recorded with its outcome in one transaction (the attempt row and the
// delivery's new state together); rows are never deleted (they are the audit of what left).
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from '../ids.ts'
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookDeliveryStatus } from '../schema/webhooks.ts'
import type { WebhookEnvelope } from './webhookEvents.ts'

export interface WebhookAttempt {
  at: string
  /** Null when no answer came (connection refused, timeout). */
  statusCode: number | null
  durationMs: number
  /** The first RESPONSE_BODY_LIMIT characters of the answer. */
  responseBody: string | null
  error: string | null
}

export interface WebhookDelivery {
  id: string
  endpointId: string
  event: WebhookEnvelope
  status: WebhookDeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  lastStatus: number | null
  lastError: string | null
  deliveredAt: string | null
  createdAt: string
}

/** A due delivery with where it goes. */
export interface DueDelivery extends WebhookDelivery {
  url: string
}

export type AttemptOutcome = { status: 'delivered' } | { status: 'retry'; nextAttemptAt: Date } | { status: 'failed' }

export const RESPONSE_BODY_LIMIT = 1_000

export interface WebhookDeliveryRepository {
  /** Due deliveries of live endpoints, oldest first, leased until `leaseUntil` (not due to anyone else until then). */
  claimDue(input: { now: Date; limit: number; leaseUntil: Date }): Promise<DueDelivery[]>
  /** The attempt and the delivery's new state, together. */
  record(deliveryId: string, attempt: Omit<WebhookAttempt, 'at'> & { at: Date; outcome: AttemptOutcome }): Promise<void>
  /** Most recent first, with their attempts; `endpointId`/`status` narrow it. */
  list(
    orgId: string,
    filter: { endpointId?: string; status?: WebhookDeliveryStatus; limit?: number },
  ): Promise<(WebhookDelivery & { attemptLog: WebhookAttempt[] })[]>
  /** Back to pending, due at once (a delivered one is sent again with the same event id); 404 `webhook_delivery_not_found`, 409 `webhook_endpoint_removed`. */
  redeliver(orgId: string, id: string): Promise<WebhookDelivery>
}

type DeliveryRow = typeof webhookDeliveries.$inferSelect

function toDelivery(row: DeliveryRow, event: WebhookEnvelope): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: toIsoOrNull(row.nextAttemptAt),
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    deliveredAt: toIsoOrNull(row.deliveredAt),
    createdAt: toIso(row.createdAt),
  }
}

const notFound = (id: string) => new NotFoundError('webhook_delivery_not_found', `no webhook delivery ${id} in this organisation`)

export function createWebhookDeliveryRepository(db: Database): WebhookDeliveryRepository {
  const joined = () =>
    db
      .select({ row: webhookDeliveries, payload: webhookEvents.payload, url: webhookEndpoints.url, removed: webhookEndpoints.deletedAt })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
  return {
    async claimDue({ now, limit, leaseUntil }) {
      const claimed = await db.transaction(async (tx) => {
        const due = await tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
          .where(
            and(
              eq(webhookDeliveries.status, 'pending'),
              or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now)),
              isNull(webhookEndpoints.deletedAt),
            ),
          )
          .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id))
          .limit(limit)
          .for('update', { of: webhookDeliveries, skipLocked: true })
        if (due.length === 0) return []
        const ids = due.map((d) => d.id)
        await tx.update(webhookDeliveries).set({ nextAttemptAt: leaseUntil }).where(inArray(webhookDeliveries.id, ids))
        return ids
      })
      if (claimed.length === 0) return []
      const rows = await joined().where(inArray(webhookDeliveries.id, claimed)).orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id))
      return rows.map((r) => ({ ...toDelivery(r.row, r.payload), url: r.url }))
    },

    async record(deliveryId, attempt) {
      const { outcome } = attempt
      await db.transaction(async (tx) => {
        await tx.insert(webhookAttempts).values({
          deliveryId,
          at: attempt.at,
          statusCode: attempt.statusCode,
          durationMs: attempt.durationMs,
          responseBody: attempt.responseBody?.slice(0, RESPONSE_BODY_LIMIT) ?? null,
          error: attempt.error,
        })
        await tx
          .update(webhookDeliveries)
          .set({
            status: outcome.status === 'retry' ? 'pending' : outcome.status,
            attempts: sql`${webhookDeliveries.attempts} + 1`,
            nextAttemptAt: outcome.status === 'retry' ? outcome.nextAttemptAt : null,
            lastStatus: attempt.statusCode,
            lastError: attempt.error,
            ...(outcome.status === 'delivered' ? { deliveredAt: attempt.at } : {}),
          })
          .where(eq(webhookDeliveries.id, deliveryId))
      })
    },

    async list(orgId, filter) {
      assertOrgId(orgId)
      if (filter.endpointId !== undefined && !isUuid(filter.endpointId)) return []
      const rows = await joined()
        .where(
          and(
            eq(webhookDeliveries.orgId, orgId),
            filter.endpointId === undefined ? undefined : eq(webhookDeliveries.endpointId, filter.endpointId),
            filter.status === undefined ? undefined : eq(webhookDeliveries.status, filter.status),
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(filter.limit ?? 100)
      const attempts =
        rows.length === 0
          ? []
          : await db
              .select()
              .from(webhookAttempts)
              .where(
                inArray(
                  webhookAttempts.deliveryId,
                  rows.map((r) => r.row.id),
                ),
              )
              .orderBy(asc(webhookAttempts.at), asc(webhookAttempts.id))
      return rows.map((r) => ({
        ...toDelivery(r.row, r.payload),
        attemptLog: attempts
          .filter((a) => a.deliveryId === r.row.id)
          .map((a) => ({ at: toIso(a.at), statusCode: a.statusCode, durationMs: a.durationMs, responseBody: a.responseBody, error: a.error })),
      }))
    },

    async redeliver(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [found] = await joined().where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, id)))
      if (found === undefined) throw notFound(id)
      if (found.removed !== null)
        throw new ConflictError('webhook_endpoint_removed', `the endpoint of delivery ${id} was removed; nothing can be sent to it`, {
          hint: 'Add an endpoint (POST /v1/webhooks/endpoints); it receives the events of later changes.',
        })
      const [row] = await db.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: null }).where(eq(webhookDeliveries.id, id)).returning()
      return toDelivery(row!, found.payload)
    },
  }
}
