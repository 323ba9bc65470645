import { Hono, type Context } from 'hono'
import type { Logger } from '../../platform/logger.ts'
import { NotFoundError, TallyError, UnprocessableError, ValidationError } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { mediaType, readBodyText } from '../../platform/http/readBody.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { IDENTIFIER } from '../../platform/identifier.ts'
import { firstOfEachEvent } from '../../metering/eventRow.ts'
import type { IngestCatalog } from '../catalog.ts'
import { buildEvents, type EventError } from '../envelope/buildEvents.ts'
import { csvToEvents, CsvSyntaxError, parseCsv } from '../envelope/csv.ts'
import type { IngestResult } from '../envelope/eventSchema.ts'
import { parseJsonLossless } from '../envelope/losslessJson.ts'
import type { EventSink } from '../sink/eventSink.ts'

export interface IngestDeps {
  sink: EventSink
  catalog: IngestCatalog
  logger: Logger
  maxBodyBytes: number
  maxBatchEvents: number
  acceptUnknownCustomers: boolean
  /** Told the outcome of every answered ingest request (for metrics); must not throw. */
  onResult?: (outcome: { accepted: number; duplicates: number; rejected: number }) => void
}

const JSON_TYPES = new Set(['application/json'])
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-seq'])
const CSV_TYPES = new Set(['text/csv', 'application/csv'])

/** The ingest gateway's routes: the reference single-event API, JSON/NDJSON batches and CSV. */
export function ingestRoutes(deps: IngestDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  // The reference docs' API: one event, the raw metric in the path.
  app.post('/usage/:rawMetric', async (c) => {
    const orgId = requestOrg(c)
    const rawMetric = c.req.param('rawMetric')
    requireType(c, JSON_TYPES)
    const body = parseJsonBody(await readBodyText(c, deps.maxBodyBytes))
    if (!IDENTIFIER.test(rawMetric) || (await deps.catalog.rawMetric(orgId, rawMetric)) === null) {
      throw new NotFoundError('raw_metric_not_found', `Raw metric "${rawMetric}" does not exist`, {
        hint: `Create it with \`tally raw-metrics create ${IDENTIFIER.test(rawMetric) ? rawMetric : 'NAME'}\` or POST /v1/raw-metrics`,
      })
    }
    const result = await ingest(c, deps, { orgId, items: [body], rawMetric, source: 'api' })
    if (result.accepted + result.duplicates === 0) {
      const first = result.errors[0]
      throw new UnprocessableError('invalid_event', first?.message ?? 'The event is invalid', result.errors.map(withoutIndex))
    }
    const event = result.events[0]!
    return c.json({ event_id: event.event_id, status: event.status, dedup: result.dedup }, 202)
  })

  // Batches: a JSON array, or NDJSON (one envelope per line).
  app.post('/v1/events', async (c) => {
    const orgId = requestOrg(c)
    const type = mediaType(c)
    const text = await readBodyText(c, deps.maxBodyBytes)
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
    return respondBatch(c, await ingest(c, deps, { orgId, items, source: 'api' }))
  })

  // CSV upload: a header row; columns raw_metric, customer_id, timestamp, event_id, and data fields.
  app.post('/v1/events/csv', async (c) => {
    const orgId = requestOrg(c)
    requireType(c, CSV_TYPES)
    const text = await readBodyText(c, deps.maxBodyBytes)
    let rows: string[][]
    try {
      rows = parseCsv(text)
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw new ValidationError('invalid_csv', err.message, [{ code: 'invalid_csv', message: err.message, index: err.line }])
      throw err
    }
    const defaultMetric = c.req.query('raw_metric')
    const { events, header } = csvToEvents(rows, defaultMetric)
    for (const column of ['customer_id', 'timestamp']) {
      if (!header.includes(column)) throw new ValidationError('invalid_csv', `The header row has no "${column}" column`)
    }
    if (!header.includes('raw_metric') && defaultMetric === undefined) {
      throw new ValidationError('invalid_csv', 'Add a "raw_metric" column or pass ?raw_metric=NAME')
    }
    return respondBatch(c, await ingest(c, deps, { orgId, items: events, source: 'csv' }))
  })

  return app
}

async function ingest(
  c: Context<AppEnv>,
  deps: IngestDeps,
  req: { orgId: string; items: unknown[]; rawMetric?: string; source: string },
): Promise<IngestResult> {
  if (req.items.length === 0) throw new ValidationError('empty_batch', 'The request holds no events')
  if (req.items.length > deps.maxBatchEvents) {
    throw new TallyError(
      'payload_too_large',
      'too_many_events',
      `The request holds ${req.items.length} events; the limit is ${deps.maxBatchEvents} (TALLY_MAX_BATCH_EVENTS)`,
    )
  }
  const built = await buildEvents({ ...req, catalog: deps.catalog, acceptUnknownCustomers: deps.acceptUnknownCustomers })
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
    deps.logger.debug({ org: req.orgId, rejected: built.errors.length, path: c.req.path }, 'events rejected')
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
function respondBatch(c: Context<AppEnv>, result: IngestResult) {
  if (result.events.length > 0) return c.json(result, 202)
  const error = { code: 'all_events_rejected' as const, message: `Every event of the request was rejected (${result.rejected}); \`errors\` lists why, by index and field` }
  return c.json({ error, ...result }, 422)
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

function requireType(c: Context, accepted: Set<string>): void {
  const type = mediaType(c)
  if (!accepted.has(type)) throw unsupported(type, [...accepted][0]!)
}

function unsupported(type: string, expected: string): TallyError {
  return new TallyError(
    'unsupported_media_type',
    'unsupported_media_type',
    `Content-Type "${type || '(none)'}" is not accepted here; send ${expected}`,
  )
}

function withoutIndex(e: EventError) {
  return { field: e.field, code: e.code, message: e.message }
}
