// The events an organisation's webhook endpoints can subscribe to, and the envelope each is sent
// in. The ledger writes them (webhookOutboxWrites.ts), so their shapes live here;
// connectors/webhooks reads them through the port (ledger/webhookStore.ts).
//
// The envelope is stable: `{id, type, created_at, organisation, data}`. `id` is the event's and
// is sent as `webhook-id` on every attempt, so a receiver dedups redeliveries by it;
// `created_at` comes from the caller's clock (the instant of the change); amounts in `data` are
// decimal strings, never JSON numbers.

export const WEBHOOK_EVENT_TYPES = ['invoice.drafted', 'invoice.finalized', 'invoice.voided', 'payment.recorded', 'credit.low', 'alert.fired'] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export interface WebhookEnvelope {
  id: string
  type: WebhookEventType
  /** ISO 8601, UTC. */
  created_at: string
  organisation: string
  data: Record<string, unknown>
}
