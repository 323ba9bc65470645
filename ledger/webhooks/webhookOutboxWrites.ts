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
import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import { uuidv7 } from '../../platform/uuidv7.ts'
import { chunks } from '../invoiceBulkWrites.ts'
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
  await queueWebhookEventsIn(tx, subscriptions, [event])
}

/** Many events in a few multi-row statements (a rating chunk's drafts): events, then the deliveries of those not queued before. */
export async function queueWebhookEventsIn(tx: Database, subscriptions: Subscriptions, events: readonly QueuedEvent[]): Promise<void> {
  const rows = events
    .filter((e) => (subscriptions.get(e.type)?.length ?? 0) > 0)
    .map((e) => {
      // Time-ordered (schema/orderedId.ts); also the envelope's id, which receivers dedupe by, not a secret.
      const id = uuidv7()
      const payload: WebhookEnvelope = { id, type: e.type, created_at: e.at.toISOString(), organisation: e.orgId, data: e.data }
      return { id, orgId: e.orgId, type: e.type, key: `${e.type}/${e.subject}`, payload, createdAt: e.at }
    })
  const byId = new Map<string, (typeof rows)[number]>(rows.map((r) => [r.id, r]))
  for (const part of chunks(rows)) {
    const inserted = await tx
      .insert(webhookEvents)
      .values(part)
      .onConflictDoNothing({ target: [webhookEvents.orgId, webhookEvents.key] })
      .returning({ id: webhookEvents.id })
    const deliveries = inserted.flatMap(({ id }) => {
      const row = byId.get(id)!
      return subscriptions.get(row.type)!.map((endpointId) => ({ orgId: row.orgId, eventId: id, endpointId, createdAt: row.createdAt }))
    })
    for (const deliveryPart of chunks(deliveries)) await tx.insert(webhookDeliveries).values(deliveryPart)
  }
}
