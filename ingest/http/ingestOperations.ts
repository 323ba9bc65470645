import { z } from 'zod'
import type { ApiOperation } from '../../platform/http/openapi.ts'
import { batchEventSchema, dedupSchema, ingestResultSchema, usageEventSchema } from '../envelope/eventSchema.ts'

const referenceExample = {
  data: { cpu_usage_hours_per_day: 5 },
  timestamp: '2023-05-21 09:30:38.731',
  customer_id: 'customer@example.com',
}

/** The ingest endpoints as documented in /openapi.json. */
export const ingestOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/usage/{rawMetric}',
    tag: 'Ingest',
    summary:
      'Send one usage event (the reference API). `timestamp` is "YYYY-MM-DD HH:mm:ss.SSS" (UTC) or ISO 8601 with an offset; numbers in `data` may be JSON numbers or numeric strings and are kept exactly.',
    pathParams: { rawMetric: 'Name of an existing raw metric' },
    body: [{ contentType: 'application/json', schema: usageEventSchema, example: referenceExample }],
    responses: {
      202: {
        description: 'Durable: stored (embedded) or acknowledged by Kafka with acks=all (distributed). `dedup` says what `status` knows: "duplicate" is certain, and with `dedup: "deferred"` an event sent before is answered "accepted" yet counted once',
        schema: z.object({ event_id: z.string(), status: z.enum(['accepted', 'duplicate']), dedup: dedupSchema }),
      },
      400: { description: 'Body is not JSON (`invalid_json`)' },
      404: { description: 'Unknown raw metric (`raw_metric_not_found`, with a hint)' },
      413: { description: 'Body over TALLY_MAX_BODY_BYTES (`payload_too_large`)' },
      415: { description: 'Not application/json (`unsupported_media_type`)' },
      422: { description: 'The event is invalid (`invalid_event`, details name the field and its code, e.g. `number_not_string` for a JSON number where a string belongs: `"customer_id":12345`)' },
      503: { description: 'Storage unavailable; retry after `Retry-After` seconds' },
    },
  },
  {
    method: 'post',
    path: '/v1/events',
    tag: 'Ingest',
    summary:
      'Send a batch of events as a JSON array or NDJSON (application/x-ndjson). Each event is validated on its own: valid events are stored even when others are rejected.',
    body: [
      { contentType: 'application/json', schema: z.array(batchEventSchema), example: [{ raw_metric: 'api_calls', event_id: 'req-1', ...referenceExample }] },
      { contentType: 'application/x-ndjson', example: '{"raw_metric":"api_calls","customer_id":"acme","timestamp":"2023-05-21 09:30:38.731","data":{"calls":3}}\n' },
    ],
    responses: {
      202: { description: 'At least one event durable (see `dedup` for what "accepted" and "duplicate" mean in this mode); per-event outcomes and errors listed', schema: ingestResultSchema },
      400: { description: 'Unparseable body or an empty batch' },
      413: { description: 'Body over the size limit, or more events than TALLY_MAX_BATCH_EVENTS' },
      415: { description: 'Unsupported content type' },
      422: { description: 'Every event was rejected; `errors` lists why, by index, field and code (`number_not_string`: a JSON number where a string belongs)', schema: ingestResultSchema },
      503: { description: 'Storage unavailable; retry after `Retry-After` seconds' },
    },
  },
  {
    method: 'post',
    path: '/v1/events/csv',
    tag: 'Ingest',
    summary:
      'Upload events as CSV (text/csv). Header row required. Columns `raw_metric` (or ?raw_metric=), `customer_id`, `timestamp`, optional `event_id`; every other column is a data field (empty cells are left out).',
    query: z.object({ raw_metric: z.string().optional().describe('Raw metric for rows without a raw_metric column') }),
    body: [{ contentType: 'text/csv', example: 'customer_id,timestamp,cpu_usage_hours_per_day\nacme,2023-05-21 09:30:38.731,5\n' }],
    responses: {
      202: { description: 'At least one row stored; per-row outcomes (index = data row, from 0)', schema: ingestResultSchema },
      400: { description: 'Malformed CSV or a missing required column (`invalid_csv`)' },
      422: { description: 'Every row was rejected', schema: ingestResultSchema },
    },
  },
]
