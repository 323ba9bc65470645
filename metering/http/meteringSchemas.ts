// Query and response schemas of the metering endpoints, declared with their routes
// (meteringRoutes.ts): one schema validates and documents.
import { z } from 'zod'
import { instantParam } from '../../platform/http/instantParam.ts'
import { encodePairCursor, pairCursorParam } from '../../platform/http/pairCursor.ts'
import type { EventCursor } from '../eventQuery.ts'

/** Widest range one usage query may span per granularity, so one request stays bounded. */
export const MAX_USAGE_RANGE_DAYS = { minute: 7, hour: 400, day: 3660 } as const

export const usageQuerySchema = z
  .object({
    raw_metric: z.string().min(1).describe('Raw metric name'),
    customer_id: z.string().min(1).optional().describe('Only this customer; without it every customer gets its own buckets'),
    from: instantParam.describe('Start, inclusive: buckets starting at or after it'),
    to: instantParam.describe('End, exclusive: buckets starting before it'),
    granularity: z.enum(['minute', 'hour', 'day']).default('hour').describe('Bucket size, UTC; default hour'),
  })
  .superRefine((q, ctx) => {
    if (q.to.getTime() <= q.from.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' })
      return
    }
    const maxDays = MAX_USAGE_RANGE_DAYS[q.granularity]
    if (q.to.getTime() - q.from.getTime() > maxDays * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a ${q.granularity} query spans at most ${maxDays} days` })
    }
  })

const CLICKHOUSE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/

/** In storing order, a cursor's sort key is `stored ` and the page's last `ingested_at`. */
const STORED = 'stored '

/** The opaque `cursor` of `GET /v1/events`: the pair `[sort key, event_id]` of a page's last event. */
export const encodeEventCursor = (cursor: EventCursor): string => encodePairCursor(cursor.order === 'stored' ? STORED + cursor.key : cursor.key, cursor.eventId)

const eventCursorParam = pairCursorParam((key) => CLICKHOUSE_TIME.test(key.startsWith(STORED) ? key.slice(STORED.length) : key)).transform((c): EventCursor =>
  c.key.startsWith(STORED) ? { order: 'stored', key: c.key.slice(STORED.length), eventId: c.id } : { order: 'timestamp', key: c.key, eventId: c.id },
)

export const eventListQuerySchema = z
  .object({
    raw_metric: z.string().min(1).optional().describe('Only this raw metric'),
    customer_id: z.string().min(1).optional().describe('Only this customer'),
    from: instantParam.optional().describe('Only events with a timestamp at or after it'),
    to: instantParam.optional().describe('Only events with a timestamp before it'),
    ingested_from: instantParam
      .optional()
      .describe('Only events stored (`ingested_at`) at or after it, whatever their timestamp: a tail polls with it, so an event arriving late still shows'),
    order: z
      .enum(['timestamp', 'stored'])
      .default('timestamp')
      .describe(
        '`timestamp` (default): the newest timestamp first. `stored`: the earliest stored first (`ingested_at`, then `event_id`): with `ingested_from`, a tail follows `next_cursor` until it is null and has missed nothing, however many events arrived at once',
      ),
    cursor: eventCursorParam.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page (1–1000, default 100)'),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to.getTime() <= q.from.getTime())
      ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' })
    if (q.cursor !== undefined && q.cursor.order !== q.order)
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `a cursor of order=${q.cursor.order}, not ${q.order}` })
  })

const decimalString = z.string().describe('A decimal number as a string, exact')

export const usageResponseSchema = z.object({
  buckets: z.array(
    z.object({
      bucket: z.string().describe('Bucket start, ISO 8601 UTC'),
      customer_id: z.string(),
      events: decimalString.describe('Events in the bucket'),
      fields: z.record(
        z.string(),
        z.object({
          count: decimalString.describe('Events carrying this field as a number'),
          sum: decimalString,
          min: decimalString,
          max: decimalString,
        }),
      ),
    }),
  ),
})

export const eventListResponseSchema = z.object({
  events: z.array(
    z.object({
      event_id: z.string(),
      raw_metric: z.string(),
      customer_id: z.string(),
      timestamp: z.string().describe('ISO 8601 UTC'),
      data: z.record(z.string(), z.unknown()).describe('The payload; numbers are decimal strings'),
      ingested_at: z.string().describe('ISO 8601 UTC'),
      source: z.string(),
    }),
  ),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page (same filters); null on the last page'),
})

export const unmatchedUsageResponseSchema = z.object({
  customers: z.array(
    z.object({
      customer_id: z.string().describe('A customer id events carry that names no customer of the organisation'),
      events: decimalString.describe('Events counted for it'),
      raw_metrics: z.array(z.string()),
      first_hour: z.string().describe('Start of the first hour with events, ISO 8601 UTC'),
      last_hour: z.string().describe('Start of the last hour with events, ISO 8601 UTC'),
    }),
  ),
})
