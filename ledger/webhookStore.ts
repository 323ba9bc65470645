// The ledger's port for webhook delivery (connectors/webhooks): the endpoints (signing secrets
// sealed at rest), the delivery outbox the drain reads and records into, and the event shapes.
// connectors/ imports the ledger from this module only, never a repository, `schema/` or `http/`.
import type { Database } from '../platform/postgres/database.ts'
import type { SecretBox } from '../platform/secretBox.ts'
import { createWebhookDeliveryRepository, type WebhookDeliveryRepository } from './webhooks/webhookDeliveries.ts'
import { createWebhookEndpointRepository, type WebhookEndpointRepository } from './webhooks/webhookEndpoints.ts'
export { WEBHOOK_EVENT_TYPES } from './webhooks/webhookEvents.ts'
export type { WebhookEnvelope, WebhookEventType } from './webhooks/webhookEvents.ts'
export type { AttemptOutcome, DueDelivery, WebhookAttempt, WebhookDelivery, WebhookDeliveryRepository } from './webhooks/webhookDeliveries.ts'
export type { WebhookEndpoint, WebhookEndpointRepository } from './webhooks/webhookEndpoints.ts'
export type { WebhookDeliveryStatus } from './schema/webhooks.ts'

/** What webhook delivery reads and writes. Events and deliveries are written by the ledger itself, with each change (webhooks/webhookOutboxWrites.ts). */
export interface WebhookStore {
  endpoints: WebhookEndpointRepository
  deliveries: WebhookDeliveryRepository
}

/** `secrets` seals signing secrets (TALLY_SECRET_KEY); built by the composition root. */
export function createWebhookStore(db: Database, deps: { secrets: SecretBox }): WebhookStore {
  return { endpoints: createWebhookEndpointRepository(db, deps), deliveries: createWebhookDeliveryRepository(db) }
}
