// The ingest gateway's routes, each declared once (apiRoute) for /openapi.json, the body limit
// and the path and query schemas.
// NOTE: the bodies are documented with JSON Schema objects, not zod schemas, so no zod validator
// reads them: each handler reads its body itself (readBodyText counts a chunked body against
// TALLY_MAX_BODY_BYTES as it streams) and parses JSON with parseJsonLossless, which keeps every
// number's exact text (`JsonNumber`), and CSV with parseCsv. A zod json validator would parse with
// JSON.parse and lose both the digits and the number/string distinction (`number_not_string`).
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z, type ZodType } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import { NotFoundError, TallyError, UnprocessableError, ValidationError } from '../../platform/errors.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, errorResponse, jsonAnswer } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { mediaType, readBodyText } from '../../platform/http/readBody.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { IDENTIFIER } from '../../platform/identifier.ts'
import { firstOfEachEvent } from '../../metering/eventRow.ts'
import type { IngestCatalog } from '../catalog.ts'
import { buildEvents, type EventError } from '../envelope/buildEvents.ts'
import { csvToEvents, CsvSyntaxError, parseCsv } from '../envelope/csv.ts'
import { batchEventSchema, dedupSchema, ingestResultSchema, usageEventSchema, type IngestResult } from '../envelope/eventSchema.ts'
import { parseJsonLossless } from '../envelope/losslessJson.ts'
import type { EventSink } from '../sink/eventSink.ts'

export interface IngestDeps {
  sink: EventSink
  catalog: IngestCatalog
  logger: Logger
  /** TALLY_MAX_BODY_BYTES: the largest body read, also each route's `x-max-body-bytes`. */
  maxBodyBytes: number
  maxBatchEvents: number
  acceptUnknownCustomers: boolean
  /** The process's "now" (TALLY_CLOCK): each event's `ingested_at`, the receipt time the source syncs also take from it. */
  clock: Clock
  /** Told the outcome of every answered ingest request (for metrics); must not throw. */
  onResult?: (outcome: { accepted: number; duplicates: number; rejected: number }) => void
}

export const INGEST_TAG = 'Ingest'

const JSON_TYPES = new Set(['application/json'])
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-seq'])
const CSV_TYPES = new Set(['text/csv', 'application/csv'])

/** A body's schema for the document only: a JSON Schema object, so no zod validator reads the body (see the NOTE above). */
function documentedOnly(schema: ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
  return json
}
const storageUnavailable = errorResponse('Storage unavailable; retry after `Retry-After` seconds')

const referenceExample = {
  data: { cpu_usage_hours_per_day: 5 },
  timestamp: '2023-05-21 09:30:38.731',
  customer_id: 'customer@example.com',
}
const usageEventAnswer = z.object({ event_id: z.string(), status: z.enum(['accepted', 'duplicate']), dedup: dedupSchema })

/** The ingest gateway's routes: the reference single-event API, JSON/NDJSON batches and CSV. */
export function ingestRoutes(deps: IngestDeps): OpenAPIHono<AppEnv> {
  const app = apiApp()
  const { maxBodyBytes } = deps

  // The reference docs' API: one event, the raw metric in the path.
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/usage/{rawMetric}',
      tags: [INGEST_TAG],
      summary:
        'Send one usage event (the reference API). `timestamp` is "YYYY-MM-DD HH:mm:ss.SSS" (UTC) or ISO 8601 with an offset; numbers in `data` may be JSON numbers or numeric strings and are kept exactly.',
      maxBodyBytes,
      request: {
        params: z.object({ rawMetric: z.string().describe('Name of an existing raw metric') }),
        body: { required: true, content: { 'application/json': { schema: documentedOnly(usageEventSchema), example: referenceExample } } },
      },
      responses: {
        202: jsonAnswer(
          'Durable: committed to the embedded event log on disk (embedded, default), stored in ClickHouse (embedded with TALLY_EVENT_LOG=direct) or acknowledged by Kafka with acks=all (distributed). `dedup` says what `status` knows: "duplicate" is certain, and with `dedup: "deferred"` an event sent before may be answered "accepted" (the event log: one it no longer holds in its recent-ids index) yet counted once',
          usageEventAnswer,
        ),
        400: errorResponse('Body is not JSON (`invalid_json`)'),
        404: errorResponse('Unknown raw metric (`raw_metric_not_found`, with a hint)'),
        413: errorResponse('Body over TALLY_MAX_BODY_BYTES (`payload_too_large`)'),
        415: errorResponse('Not application/json (`unsupported_media_type`)'),
        422: errorResponse(
          'The event is invalid (`invalid_event`, details name the field and its code, e.g. `number_not_string` for a JSON number where a string belongs: `"customer_id":12345`)',
        ),
        503: storageUnavailable,
      },
    }),
    async (c) => {
      const { rawMetric } = c.req.valid('param')
      const answer = await ingestSingleEvent(deps, rawMetric, honoIngestRequest(c, maxBodyBytes))
      return c.json(answer.body, answer.status)
    },
  )

  // Batches: a JSON array, or NDJSON (one envelope per line).
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/events',
      tags: [INGEST_TAG],
      summary:
        'Send a batch of events as a JSON array or NDJSON (application/x-ndjson). Each event is validated on its own: valid events are stored even when others are rejected.',
      maxBodyBytes,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: documentedOnly(z.array(batchEventSchema)),
              example: [{ raw_metric: 'api_calls', event_id: 'req-1', ...referenceExample }],
            },
            'application/x-ndjson': { example: '{"raw_metric":"api_calls","customer_id":"acme","timestamp":"2023-05-21 09:30:38.731","data":{"calls":3}}\n' },
          },
        },
      },
      responses: {
        202: jsonAnswer(
          'At least one event durable (see `dedup` for what "accepted" and "duplicate" mean in this mode); per-event outcomes and errors listed',
          ingestResultSchema,
        ),
        400: errorResponse('Unparseable body (`invalid_json`, `invalid_body`) or an empty batch (`empty_batch`)'),
        413: errorResponse('Body over the size limit (`payload_too_large`), or more events than TALLY_MAX_BATCH_EVENTS (`too_many_events`)'),
        415: errorResponse('Unsupported content type (`unsupported_media_type`)'),
        422: jsonAnswer(
          'Every event was rejected; `errors` lists why, by index, field and code (`number_not_string`: a JSON number where a string belongs)',
          ingestResultSchema,
        ),
        503: storageUnavailable,
      },
    }),
    async (c) => {
      const answer = await ingestBatch(deps, honoIngestRequest(c, maxBodyBytes))
      return c.json(answer.body, answer.status)
    },
  )

  // CSV upload: a header row; columns raw_metric, customer_id, timestamp, event_id, and data fields.
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/events/csv',
      tags: [INGEST_TAG],
      summary:
        'Upload events as CSV (text/csv). Header row required. Columns `raw_metric` (or ?raw_metric=), `customer_id`, `timestamp`, optional `event_id`; every other column is a data field (empty cells are left out).',
      maxBodyBytes,
      request: {
        query: z.object({ raw_metric: z.string().optional().describe('Raw metric for rows without a raw_metric column') }),
        body: { required: true, content: { 'text/csv': { example: 'customer_id,timestamp,cpu_usage_hours_per_day\nacme,2023-05-21 09:30:38.731,5\n' } } },
      },
      responses: {
        202: jsonAnswer('At least one row stored; per-row outcomes (index = data row, from 0)', ingestResultSchema),
        400: errorResponse('Malformed CSV or a missing required column (`invalid_csv`), or no data rows (`empty_batch`)'),
        413: errorResponse('Body over the size limit (`payload_too_large`), or more rows than TALLY_MAX_BATCH_EVENTS (`too_many_events`)'),
        415: errorResponse('Not text/csv (`unsupported_media_type`)'),
        422: jsonAnswer('Every row was rejected', ingestResultSchema),
        503: storageUnavailable,
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      requireType(mediaType(c), CSV_TYPES)
      const text = await readBodyText(c, maxBodyBytes)
      let rows: string[][]
      try {
        rows = parseCsv(text)
      } catch (err) {
        if (err instanceof CsvSyntaxError)
          throw new ValidationError('invalid_csv', err.message, [{ code: 'invalid_csv', message: err.message, index: err.line }])
        throw err
      }
      const defaultMetric = c.req.valid('query').raw_metric
      const { events, header } = csvToEvents(rows, defaultMetric)
      for (const column of ['customer_id', 'timestamp']) {
        if (!header.includes(column)) throw new ValidationError('invalid_csv', `The header row has no "${column}" column`)
      }
      if (!header.includes('raw_metric') && defaultMetric === undefined) {
        throw new ValidationError('invalid_csv', 'Add a "raw_metric" column or pass ?raw_metric=NAME')
      }
      const answer = batchAnswer(await ingest(c.req.path, deps, { orgId, items: events, source: 'csv' }))
      return c.json(answer.body, answer.status)
    },
  )

  return app
}

/**
 * An ingest request once authenticated, whoever read the HTTP: the Hono routes above, or the
 * node:http fast path in front of Hono (fastIngest.ts). Both call the two functions below, so
 * the rules and their order (media type, body, JSON, raw metric, events) exist once.
 */
export interface IngestRequest {
  /** Called first: the organisation of the principal (400 `organisation_required` for an admin without one). */
  orgId(): string
  /** The media type without parameters, lower-cased (`application/json`). */
  mediaType: string
  /** The body as text, bounded by TALLY_MAX_BODY_BYTES (413). */
  readText(): Promise<string>
  /** For logs. */
  path: string
}

export type SingleEventAnswer = { status: 202; body: { event_id: string; status: 'accepted' | 'duplicate'; dedup: IngestResult['dedup'] } }
export type BatchAnswer =
  { status: 202; body: IngestResult } | { status: 422; body: IngestResult & { error: { code: 'all_events_rejected'; message: string } } }

function honoIngestRequest(c: Context<AppEnv>, maxBodyBytes: number): IngestRequest {
  return { orgId: () => requestOrg(c), mediaType: mediaType(c), readText: () => readBodyText(c, maxBodyBytes), path: c.req.path }
}

/** `POST /usage/:rawMetric` after authentication: the 202, or the error it throws. */
export async function ingestSingleEvent(deps: IngestDeps, rawMetric: string, req: IngestRequest): Promise<SingleEventAnswer> {
  const orgId = req.orgId()
  requireType(req.mediaType, JSON_TYPES)
  const body = parseJsonBody(await req.readText())
  if (!IDENTIFIER.test(rawMetric) || (await deps.catalog.rawMetric(orgId, rawMetric)) === null) {
    throw new NotFoundError('raw_metric_not_found', `Raw metric "${rawMetric}" does not exist`, {
      hint: `Create it with \`tally raw-metrics create ${IDENTIFIER.test(rawMetric) ? rawMetric : 'NAME'}\` or POST /v1/raw-metrics`,
    })
  }
  const result = await ingest(req.path, deps, { orgId, items: [body], rawMetric, source: 'api' })
  if (result.accepted + result.duplicates === 0) {
    const first = result.errors[0]
    throw new UnprocessableError('invalid_event', first?.message ?? 'The event is invalid', result.errors.map(withoutIndex))
  }
  const event = result.events[0]!
  return { status: 202, body: { event_id: event.event_id, status: event.status, dedup: result.dedup } }
}

/** `POST /v1/events` (a JSON array or NDJSON) after authentication. */
export async function ingestBatch(deps: IngestDeps, req: IngestRequest): Promise<BatchAnswer> {
  const orgId = req.orgId()
  const type = req.mediaType
  const text = await req.readText()
  let items: unknown[]
  if (JSON_TYPES.has(type)) {
    const body = parseJsonBody(text)
    if (!Array.isArray(body)) throw new ValidationError('invalid_body', 'The body must be a JSON array of events (or send NDJSON)')
    items = body
  } else if (NDJSON_TYPES.has(type)) {
    items = parseNdjson(text)
  } else {
    throw unsupported(type, 'application/json (an array) or application/x-ndjson')
  }
  return batchAnswer(await ingest(req.path, deps, { orgId, items, source: 'api' }))
}

async function ingest(path: string, deps: IngestDeps, req: { orgId: string; items: unknown[]; rawMetric?: string; source: string }): Promise<IngestResult> {
  if (req.items.length === 0) throw new ValidationError('empty_batch', 'The request holds no events')
  if (req.items.length > deps.maxBatchEvents) {
    throw new TallyError(
      'payload_too_large',
      'too_many_events',
      `The request holds ${req.items.length} events; the limit is ${deps.maxBatchEvents} (TALLY_MAX_BATCH_EVENTS)`,
    )
  }
  // NOTE: the options are spelled out, not spread from `req`: the spread object cost ~7 µs per
  // call in buildEvents (its property reads no longer optimised), more than the validation.
  const built = await buildEvents({
    orgId: req.orgId,
    items: req.items,
    rawMetric: req.rawMetric,
    source: req.source,
    catalog: deps.catalog,
    acceptUnknownCustomers: deps.acceptUnknownCustomers,
    now: deps.clock.now().getTime(),
  })
  // A repeat of an event id within the request is a duplicate of its first occurrence; only
  // first occurrences go to the sink, so its duplicate report is about stored events alone.
  const firsts = firstOfEachEvent(built.rows)
  const isFirst = new Set(firsts)
  const unique = firsts.map((i) => built.rows[i]!)
  const { duplicates } = unique.length > 0 ? await deps.sink.write(unique) : { duplicates: new Set<string>() }
  const events = built.rows.map((row, i) => ({
    index: built.indexes[i]!,
    event_id: row.event_id,
    status: !isFirst.has(i) || duplicates.has(row.event_id) ? ('duplicate' as const) : ('accepted' as const),
  }))
  const duplicateCount = events.filter((e) => e.status === 'duplicate').length
  if (built.errors.length > 0) {
    deps.logger.debug({ org: req.orgId, rejected: built.errors.length, path }, 'events rejected')
  }
  const result = {
    accepted: events.length - duplicateCount,
    duplicates: duplicateCount,
    rejected: new Set(built.errors.map((e) => e.index)).size,
    events,
    errors: built.errors,
    dedup: deps.sink.dedup,
  }
  deps.onResult?.(result)
  return result
}

/**
 * 202 when at least one event was stored (or already was); 422 when every event was rejected,
 * with the same `error` body as every other 4xx next to the per-event report.
 */
function batchAnswer(result: IngestResult): BatchAnswer {
  if (result.events.length > 0) return { status: 202, body: result }
  const error = {
    code: 'all_events_rejected' as const,
    message: `Every event of the request was rejected (${result.rejected}); \`errors\` lists why, by index and field`,
  }
  return { status: 422, body: { error, ...result } }
}

function parseJsonBody(text: string): unknown {
  try {
    return parseJsonLossless(text)
  } catch (err) {
    throw new ValidationError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`)
  }
}

function parseNdjson(text: string): unknown[] {
  const items: unknown[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    try {
      items.push(parseJsonLossless(line))
    } catch (err) {
      throw new ValidationError('invalid_json', `Line ${i + 1} is not valid JSON: ${(err as Error).message}`, [
        { index: items.length, code: 'invalid_json', message: `line ${i + 1}` },
      ])
    }
  }
  return items
}

function requireType(type: string, accepted: Set<string>): void {
  if (!accepted.has(type)) throw unsupported(type, [...accepted][0]!)
}

function unsupported(type: string, expected: string): TallyError {
  return new TallyError('unsupported_media_type', 'unsupported_media_type', `Content-Type "${type || '(none)'}" is not accepted here; send ${expected}`)
}

function withoutIndex(e: EventError) {
  return { field: e.field, code: e.code, message: e.message }
}
