// The JSON contract of the webhook endpoints (webhookRoutes.ts): requests validated by these
// schemas, answers documented with them in /openapi.json. The signing secret comes out once,
// in `endpointCreatedJson` (create and rotate); no other answer has a field for it.
import { z } from 'zod'
import { WEBHOOK_EVENT_TYPES } from '../../../ledger/webhookStore.ts'

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .describe(`The events sent to the endpoint: ${WEBHOOK_EVENT_TYPES.join(', ')}`)

export const createEndpointRequest = z.strictObject({
  url: z
    .url()
    .max(2000)
    .describe(
      'Where the events are POSTed: http or https, without credentials, not a literal loopback, private or link-local IP (else 422 `webhook_url_forbidden`). Redirects are not followed; a name resolving to such an address is refused at delivery. The operator allows private targets with TALLY_WEBHOOK_ALLOW_PRIVATE=true',
    ),
  event_types: eventTypes,
  description: z.string().max(500).optional(),
})

/** The overlap window after a rotation, by default and at most (hours). */
export const DEFAULT_OVERLAP_HOURS = 24
const MAX_OVERLAP_HOURS = 7 * 24

export const rotateSecretRequest = z.strictObject({
  overlap_hours: z
    .number()
    .int()
    .min(0)
    .max(MAX_OVERLAP_HOURS)
    .optional()
    .describe(
      `How long the replaced secret still signs deliveries beside the new one (a second \`v1,\` signature in webhook-signature), so a receiver can switch without refusing any: default ${DEFAULT_OVERLAP_HOURS}, 0 stops it at once, at most ${MAX_OVERLAP_HOURS}`,
    ),
})

export const endpointParams = z.object({ id: z.string().describe('The endpoint id') })
export const deliveryParams = z.object({ id: z.string().describe('The delivery id') })

export const endpointJson = z.object({
  id: z.string(),
  url: z.string(),
  event_types: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().nullable(),
  created_at: z.string(),
  previous_secret_expires_at: z
    .string()
    .nullable()
    .describe('After a rotation with an overlap: until when the replaced secret signs beside the current one (a past instant: it no longer does)'),
})

export const endpointCreatedJson = endpointJson.extend({
  secret: z.string().describe('The signing secret (`whsec_…`): shown this once, stored encrypted, never returned again'),
})

export const endpointListJson = z.object({ data: z.array(endpointJson) })

export const deliveriesQuery = z.object({
  endpoint: z.string().optional().describe('Only this endpoint’s deliveries'),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('At most this many, most recent first (default 100)'),
})

const attemptJson = z.object({
  at: z.string(),
  status_code: z.number().int().nullable().describe('Null when no answer came (timeout, connection error)'),
  duration_ms: z.number().int(),
  response_body: z.string().nullable().describe('The first 1,000 characters of the answer'),
  error: z.string().nullable(),
})

export const deliveryJson = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string().describe('Sent as `webhook-id`; the same on every attempt and redelivery'),
  event_type: z.enum(WEBHOOK_EVENT_TYPES),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
  event: z.record(z.string(), z.unknown()).describe('The envelope sent: id, type, created_at, organisation, data'),
})

export const deliveryWithAttemptsJson = deliveryJson.extend({ attempt_log: z.array(attemptJson) })

export const deliveryListJson = z.object({ data: z.array(deliveryWithAttemptsJson) })
