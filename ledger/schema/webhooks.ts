import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { WEBHOOK_EVENT_TYPES, type WebhookEnvelope, type WebhookEventType } from '../webhooks/webhookEvents.ts'
import { oneOf } from './oneOf.ts'
import { orderedId } from './orderedId.ts'
import { organisations } from './organisations.ts'

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed'

// A receiver of an organisation's events. `secret` is the AES-256-GCM box of the signing secret
// (platform/secretBox.ts), never plaintext; a removed endpoint keeps its row (`deleted_at`) so
// its deliveries stay readable, and receives nothing more. After a rotation the secret it
// replaced (`previous_secret`, sealed the same way) signs too until `previous_secret_expires_at`
// (the overlap window), so receivers can switch secrets without refusing a delivery.
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    url: text('url').notNull(),
    eventTypes: jsonb('event_types').$type<WebhookEventType[]>().notNull(),
    description: text('description'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_endpoints_org').on(t.orgId),
    check('webhook_endpoints_previous_secret_window', sql`(${t.previousSecret} is null) = (${t.previousSecretExpiresAt} is null)`),
  ],
)

// The events, written in the transaction of the change that causes them (DESIGN invariant 8).
// `key` names what the event is about (`invoice.finalized/<invoice id>`), unique per
// organisation, so a change written twice queues one event. `payload` is the envelope sent.
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    type: text('type').$type<WebhookEventType>().notNull(),
    key: text('key').notNull(),
    payload: jsonb('payload').$type<WebhookEnvelope>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('webhook_events_key_unique').on(t.orgId, t.key), check('webhook_events_type', oneOf(t.type, WEBHOOK_EVENT_TYPES))],
)

// The outbox proper: one row per event and subscribed endpoint, queued with the event.
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Null: due at once (a new or redelivered row; the ledger's transaction knows no caller's clock). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('webhook_deliveries_event_endpoint').on(t.eventId, t.endpointId),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_org').on(t.orgId, t.createdAt),
    check('webhook_deliveries_status', oneOf(t.status, ['pending', 'delivered', 'failed'])),
  ],
)

// Every attempt, as the receiver answered it: the audit of what left and what came back.
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Null when no answer came (connection refused, timeout). */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    /** The first 1,000 characters of the answer. */
    responseBody: text('response_body'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.at)],
)
