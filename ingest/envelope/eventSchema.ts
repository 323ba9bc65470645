import { z } from 'zod'
import { IDENTIFIER } from '../../platform/identifier.ts'
import { ILL_FORMED_MESSAGE, ILL_FORMED_UNICODE, illFormedPath, isWellFormedText } from './wellFormedText.ts'

// The envelope producers send. Bodies are parsed with `parseJsonLossless`, so every JSON
// number arrives here as a `JsonNumber` holding its exact text: it never passes a string field
// (`customer_id: 12345` is refused with `number_not_string`, see buildEvents.ts). In `data`, a
// number and a numeric string are the same quantity to Tally (the reference docs send both);
// both are stored as the decimal string.

// Ids are stored and compared as text; control characters (NUL above all) are never part of one.
const idText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
    .refine(isWellFormedText, { message: ILL_FORMED_MESSAGE, params: { code: ILL_FORMED_UNICODE } })

export const eventDataSchema = z
  .record(z.string().min(1).max(128), z.unknown())
  .refine((d) => Object.keys(d).length <= 200, { message: 'at most 200 fields per event' })
  .superRefine((d, ctx) => {
    const path = illFormedPath(d)
    if (path !== null) ctx.addIssue({ code: 'custom', path, message: ILL_FORMED_MESSAGE, params: { code: ILL_FORMED_UNICODE } })
  })

/** Body of `POST /usage/:rawMetric` (the reference docs' request). */
export const usageEventSchema = z
  .object({
    data: eventDataSchema.default({}),
    timestamp: z.string().min(1).max(64),
    customer_id: idText(255),
    event_id: idText(128).optional(),
  })
  .strict()

/** One element of `POST /v1/events` (JSON array or NDJSON). */
export const batchEventSchema = usageEventSchema.extend({ raw_metric: z.string().regex(IDENTIFIER) }).strict()

export type UsageEvent = z.infer<typeof usageEventSchema>
export type BatchEvent = z.infer<typeof batchEventSchema>

/** A JSON number's text, or a numeric string such as "5", "-0.25", "1e3". */
export const DECIMAL_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** What `status` can know about events stored before this request (EventSink.dedup). */
export const dedupSchema = z
  .enum(['checked', 'deferred'])
  .describe(
    '`checked` (embedded mode with TALLY_EVENT_LOG=direct): each event was compared with the stored events; `duplicate` = already stored or ' +
      'repeated in this request, `accepted` = stored now. `deferred` (embedded mode with the event log, the default, and Kafka mode): the ' +
      'events were durably queued without a ClickHouse lookup; `duplicate` = repeated in this request or (event log) an id the log still holds ' +
      '(waiting to be stored, or stored within TALLY_EVENT_LOG_RECENT_IDS / TALLY_EVENT_LOG_RECENT_HOURS), always certain; `accepted` = queued, ' +
      'and an event stored before is dropped by the metering drain, so it still counts once.',
  )

export const ingestResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  events: z.array(z.object({ index: z.number().int(), event_id: z.string(), status: z.enum(['accepted', 'duplicate']) })),
  errors: z.array(z.object({ index: z.number().int(), field: z.string().optional(), code: z.string(), message: z.string() })),
  dedup: dedupSchema,
  /** Only on a 422 (every event rejected): the error body every other 4xx has. */
  error: z.object({ code: z.literal('all_events_rejected'), message: z.string() }).optional(),
})

export type IngestResult = z.infer<typeof ingestResultSchema>
