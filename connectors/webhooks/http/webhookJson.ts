// Repository views → the API's snake_case JSON (webhookSchemas.ts).
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../../ledger/webhookStore.ts'

export function endpointToJson(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    event_types: e.eventTypes,
    description: e.description,
    created_at: e.createdAt,
    previous_secret_expires_at: e.previousSecretExpiresAt,
  }
}

export function deliveryToJson(d: WebhookDelivery) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.event.id,
    event_type: d.event.type,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt,
    last_status: d.lastStatus,
    last_error: d.lastError,
    delivered_at: d.deliveredAt,
    created_at: d.createdAt,
    event: { ...d.event },
  }
}

export function attemptToJson(a: WebhookAttempt) {
  return { at: a.at, status_code: a.statusCode, duration_ms: a.durationMs, response_body: a.responseBody, error: a.error }
}
