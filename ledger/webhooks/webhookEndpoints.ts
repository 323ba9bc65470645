// An organisation's webhook endpoints. The signing secret is made here (`whsec_` + base64 of 32
// random bytes, Standard Webhooks' format), returned once by `create` and `rotateSecret`, and
// sealed before it is written (platform/secretBox.ts, DESIGN invariant 9): the views every
// caller gets (`WebhookEndpoint`) have no secret field; only the drain opens it (`secretOf`).
// Without TALLY_SECRET_KEY nothing is stored (503 `secret_key_missing`).
//
// A rotation keeps the replaced secret (sealed) for an overlap window: until it ends, `secretsOf`
// gives both and deliveries carry both signatures, so a receiver still verifying with the old
// secret accepts them while it switches. A second rotation inside the window drops the oldest.
//
// Removing an endpoint keeps its row (its deliveries stay readable) and parks what it had not
// received yet as failed, in one transaction: nothing more is sent to it.
import { randomBytes } from 'node:crypto'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { NotFoundError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import type { SecretBox } from '../../platform/secretBox.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { webhookDeliveries, webhookEndpoints } from '../schema/webhooks.ts'
import type { WebhookEventType } from './webhookEvents.ts'

export interface WebhookEndpoint {
  id: string
  orgId: string
  url: string
  eventTypes: WebhookEventType[]
  description: string | null
  createdAt: string
  /** Until when the secret the last rotation replaced signs beside the current one; null when the rotation kept no overlap (or none happened). */
  previousSecretExpiresAt: string | null
}

export interface WebhookEndpointRepository {
  /** The endpoint and its signing secret, the only time the secret is returned. 503 `secret_key_missing`. */
  create(input: {
    orgId: string
    url: string
    eventTypes: WebhookEventType[]
    description: string | null
    now: Date
  }): Promise<{ endpoint: WebhookEndpoint; secret: string }>
  list(orgId: string): Promise<WebhookEndpoint[]>
  /** 404 `webhook_endpoint_not_found` (a removed one, another organisation's). */
  get(orgId: string, id: string): Promise<WebhookEndpoint>
  /** Removes it and parks its pending deliveries as failed; 404 as `get`. */
  remove(orgId: string, id: string, now: Date): Promise<void>
  /** A new secret, sealed in place of the old one, which signs beside it until `now` + `overlapMs` (0: at once no more); returned once. */
  rotateSecret(orgId: string, id: string, window: { now: Date; overlapMs: number }): Promise<{ endpoint: WebhookEndpoint; secret: string }>
  /** The opened secrets that sign at `now`, the current one first: the drain's, never an API answer's or a log line's. */
  secretsOf(id: string, now: Date): Promise<string[]>
}

type Row = typeof webhookEndpoints.$inferSelect

function toEndpoint(row: Row): WebhookEndpoint {
  return {
    id: row.id,
    orgId: row.orgId,
    url: row.url,
    eventTypes: row.eventTypes,
    description: row.description,
    createdAt: toIso(row.createdAt),
    previousSecretExpiresAt: toIsoOrNull(row.previousSecretExpiresAt),
  }
}

const notFound = (id: string) => new NotFoundError('webhook_endpoint_not_found', `no webhook endpoint ${id} in this organisation`)

/** 32 random bytes (256 bits), as Standard Webhooks' `whsec_<base64>`. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

export function createWebhookEndpointRepository(db: Database, deps: { secrets: SecretBox }): WebhookEndpointRepository {
  const live = (orgId: string, id: string) => and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id), isNull(webhookEndpoints.deletedAt))
  const repo: WebhookEndpointRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      const secret = newSigningSecret()
      const sealed = deps.secrets.seal(secret)
      try {
        const [row] = await db
          .insert(webhookEndpoints)
          .values({ orgId: input.orgId, url: input.url, eventTypes: input.eventTypes, description: input.description, secret: sealed, createdAt: input.now })
          .returning()
        return { endpoint: toEndpoint(row!), secret }
      } catch (err) {
        throw insertError(err, input.orgId)
      }
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), isNull(webhookEndpoints.deletedAt)))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
      return rows.map(toEndpoint)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [row] = await db.select().from(webhookEndpoints).where(live(orgId, id))
      if (row === undefined) throw notFound(id)
      return toEndpoint(row)
    },

    async remove(orgId, id, now) {
      await repo.get(orgId, id)
      await db.transaction(async (tx) => {
        await tx.update(webhookEndpoints).set({ deletedAt: now }).where(eq(webhookEndpoints.id, id))
        await tx
          .update(webhookDeliveries)
          .set({ status: 'failed', lastError: 'endpoint removed' })
          .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')))
      })
    },

    async rotateSecret(orgId, id, { now, overlapMs }) {
      await repo.get(orgId, id)
      const secret = newSigningSecret()
      const overlaps = overlapMs > 0
      const [row] = await db
        .update(webhookEndpoints)
        .set({
          secret: deps.secrets.seal(secret),
          // The replaced secret, still sealed: the column's value before this update.
          previousSecret: overlaps ? sql`${webhookEndpoints.secret}` : null,
          previousSecretExpiresAt: overlaps ? new Date(now.getTime() + overlapMs) : null,
        })
        .where(live(orgId, id))
        .returning()
      if (row === undefined) throw notFound(id)
      return { endpoint: toEndpoint(row), secret }
    },

    async secretsOf(id, now) {
      const [row] = await db
        .select({ secret: webhookEndpoints.secret, previous: webhookEndpoints.previousSecret, until: webhookEndpoints.previousSecretExpiresAt })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, id))
      if (row === undefined) throw notFound(id)
      const previous = row.previous !== null && row.until !== null && now < row.until ? [deps.secrets.open(row.previous)] : []
      return [deps.secrets.open(row.secret), ...previous]
    },
  }
  return repo
}
