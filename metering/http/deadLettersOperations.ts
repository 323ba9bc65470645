// GET /v1/dead-letters as documented in /openapi.json.
import type { ApiOperation } from '../../platform/http/openapi.ts'
import { deadLetterQuerySchema, deadLetterResponseSchema } from './deadLettersSchemas.ts'

export const deadLettersOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/v1/dead-letters',
    tag: 'Metering',
    summary:
      'Messages of the events topic the metering workers could not store (not JSON, not a valid event, too large), with the original payload, the error code and message, and when it failed. Newest first; each message is listed once even if its partition was replayed.',
    query: deadLetterQuerySchema,
    responses: {
      200: { description: 'Dead letters of the organisation, newest first', schema: deadLetterResponseSchema },
      400: { description: 'Invalid query (`invalid_query`) or no organisation (`organisation_required`)' },
      503: { description: 'ClickHouse unavailable; retry after `Retry-After` seconds' },
    },
  },
]
