// The metering endpoints as documented in /openapi.json.
import type { ApiOperation } from '../../platform/http/openapi.ts'
import { eventListQuerySchema, eventListResponseSchema, usageQuerySchema, usageResponseSchema } from './meteringSchemas.ts'

export const meteringOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/v1/usage',
    tag: 'Metering',
    summary:
      'Usage per UTC bucket from the rollups: events, and count/sum/min/max of every numeric data field, as exact decimal strings. Buckets whose start is in [from, to); one entry per bucket and customer.',
    query: usageQuerySchema,
    responses: {
      200: { description: 'Buckets ordered by start, then customer', schema: usageResponseSchema },
      400: { description: 'Invalid query (`invalid_query`, details name the field) or no organisation (`organisation_required`)' },
      503: { description: 'ClickHouse unavailable; retry after `Retry-After` seconds' },
    },
  },
  {
    method: 'get',
    path: '/v1/events',
    tag: 'Metering',
    summary: 'Recent raw events of the organisation, newest first, for inspection.',
    query: eventListQuerySchema,
    responses: {
      200: { description: 'Events, newest first', schema: eventListResponseSchema },
      400: { description: 'Invalid query (`invalid_query`) or no organisation (`organisation_required`)' },
      503: { description: 'ClickHouse unavailable; retry after `Retry-After` seconds' },
    },
  },
]
