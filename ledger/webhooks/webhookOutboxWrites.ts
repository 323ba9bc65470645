// The webhook outbox's write side (DESIGN invariant 8): called inside the transaction of the
// ledger change, so the change and its event commit together or not at all. One event row and
// one delivery per live endpoint of the organisation subscribed to the type; nothing is written
// when no endpoint subscribes (an endpoint receives the events of changes made after it was
// created). The event's `key` (`<type>/<subject id>`) is unique per organisation: a change
// written twice (a retried transaction, an idempotent finalize) queues one event.
//
// NOTE: rating writes thousands of invoices per transaction; callers read the organisation's
// subscriptions once (`subscriptionsIn`, one query) and build an event's data only when an
// endpoint wants it, so an organisation without endpoints pays one query per change or chunk.
import { randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../schema/webhooks.ts'
import type { WebhookEnvelope, WebhookEventType } from './webhookEvents.ts'

/** The live endpoints of an organisation per event type they subscribe to. */
export type Subscriptions = ReadonlyMap<WebhookEventType, readonly string[]>

export interface QueuedEvent {
  orgId: string
  type: WebhookEventType
  /** What the event is about, unique per type in the organisation (an invoice id, a grant and invoice). */
  subject: string
  /** The instant of the change, from the caller's clock. */
  at: Date
  data: Record<string, unknown>
}

export async function subscriptionsIn(tx: Database, orgId: string): Promise<Subscriptions> {
  const rows = await tx
    .select({ id: webhookEndpoints.id, types: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), isNull(webhookEndpoints.deletedAt)))
  const byType = new Map<WebhookEventType, string[]>()
  for (const row of rows) for (const type of row.types) byType.set(type, [...(byType.get(type) ?? []), row.id])
  return byType
}

export async function queueWebhookEventIn(tx: Database, subscriptions: Subscriptions, event: QueuedEvent): Promise<void> {
  const endpoints = subscriptions.get(event.type) ?? []
  if (endpoints.length === 0) return
  const id = randomUUID()
  const payload: WebhookEnvelope = { id, type: event.type, created_at: event.at.toISOString(), organisation: event.orgId, data: event.data }
  const [inserted] = await tx
    .insert(webhookEvents)
    .values({ id, orgId: event.orgId, type: event.type, key: `${event.type}/${event.subject}`, payload, createdAt: event.at })
    .onConflictDoNothing({ target: [webhookEvents.orgId, webhookEvents.key] })
    .returning({ id: webhookEvents.id })
  if (inserted === undefined) return
  await tx.insert(webhookDeliveries).values(endpoints.map((endpointId) => ({ orgId: event.orgId, eventId: id, endpointId, createdAt: event.at })))
}
