import type { z, ZodType } from 'zod'
import type { EventRow } from '../../metering/eventRow.ts'
import type { IngestCatalog, RawMetricInfo } from '../catalog.ts'
import { deriveEventId } from './eventId.ts'
import { fastEnvelope, type Envelope } from './fastEnvelope.ts'
import { batchEventSchema, DECIMAL_TEXT, usageEventSchema } from './eventSchema.ts'
import { isJsonNumber } from './losslessJson.ts'
import { fieldPath, issueDetails } from '../../platform/issueDetails.ts'
import { formatUtc, parseEventTimestamp } from './timestamp.ts'

export interface EventError {
  index: number
  field?: string
  code: string
  message: string
}

export interface BuiltEvents {
  rows: EventRow[]
  /** `indexes[i]` is the request index of `rows[i]`. */
  indexes: number[]
  errors: EventError[]
}

export interface BuildOptions {
  orgId: string
  items: unknown[]
  /** Set for `POST /usage/:rawMetric`, where the path names the raw metric. */
  rawMetric?: string
  source: string
  catalog: IngestCatalog
  /** Accept events of customers the ledger does not know (otherwise `customer_not_found`). */
  acceptUnknownCustomers: boolean
  /** The receipt instant, epoch ms, from the caller's clock (TALLY_CLOCK): every row's `ingested_at`. */
  now: number
}

/**
 * Validates each event on its own and turns the valid ones into stored rows. One bad event
 * never rejects its neighbours (DESIGN invariant 7); each rejection names its index, field
 * and a stable code.
 */
export async function buildEvents(opts: BuildOptions): Promise<BuiltEvents> {
  const schema: ZodType = opts.rawMetric === undefined ? batchEventSchema : usageEventSchema
  const ingestedAt = formatUtc(opts.now)
  const errors: EventError[] = []
  const candidates: Array<{ index: number; row: EventRow; metric: RawMetricInfo | null }> = []
  const metrics = new Map<string, RawMetricInfo | null>()

  for (let index = 0; index < opts.items.length; index++) {
    const item = opts.items[index]
    let event = fastEnvelope(item, opts.rawMetric === undefined)
    if (event === null) {
      // zod would read a JsonNumber's own fields as the event's keys.
      if (isJsonNumber(item)) {
        errors.push({ index, code: 'invalid_type', message: `Invalid input: expected object, received the number ${item.value}` })
        continue
      }
      const parsed = schema.safeParse(item)
      if (!parsed.success) {
        for (const issue of parsed.error.issues) for (const e of envelopeErrors(item, issue)) errors.push({ index, ...e })
        continue
      }
      event = parsed.data as Envelope
    }
    const rawMetric = opts.rawMetric ?? (event.raw_metric as string)
    const ts = parseEventTimestamp(event.timestamp)
    if (!ts.ok) {
      errors.push({ index, field: 'timestamp', code: 'invalid_timestamp', message: ts.message })
      continue
    }
    if (!metrics.has(rawMetric)) metrics.set(rawMetric, await opts.catalog.rawMetric(opts.orgId, rawMetric))
    const metric = metrics.get(rawMetric) ?? null
    if (metric === null) {
      errors.push({
        index,
        field: 'raw_metric',
        code: 'raw_metric_not_found',
        message: `raw metric "${rawMetric}" does not exist; create it with \`tally raw-metrics create ${rawMetric}\` or POST /v1/raw-metrics`,
      })
      continue
    }
    const fieldError = checkFieldSchema(event.data, metric)
    if (fieldError !== null) {
      errors.push({ index, ...fieldError })
      continue
    }
    const eventId = event.event_id ?? deriveEventId({ orgId: opts.orgId, rawMetric, customerId: event.customer_id, timestampMs: ts.ms })
    candidates.push({
      index,
      metric,
      row: {
        org_id: opts.orgId,
        raw_metric: rawMetric,
        customer_id: event.customer_id,
        event_id: eventId,
        timestamp: ts.text,
        data: JSON.stringify(event.data),
        ingested_at: ingestedAt,
        source: opts.source,
      },
    })
  }

  const known = opts.acceptUnknownCustomers ? null : await opts.catalog.existingCustomers(opts.orgId, [...new Set(candidates.map((c) => c.row.customer_id))])
  const built: BuiltEvents = { rows: [], indexes: [], errors }
  for (const c of candidates) {
    if (known !== null && !known.has(c.row.customer_id)) {
      errors.push({
        index: c.index,
        field: 'customer_id',
        code: 'customer_not_found',
        message: `customer "${c.row.customer_id}" does not exist; create it with \`tally customers create\` or POST /v1/customers`,
      })
      continue
    }
    built.rows.push(c.row)
    built.indexes.push(c.index)
  }
  errors.sort((a, b) => a.index - b.index)
  return built
}

/**
 * A zod issue as event errors, in the API's one field-path format (platform/issueDetails.ts;
 * an unknown key is `unknown_field` at the key). A JSON number where a string belongs gets its
 * own code: such events were accepted (their number read as its text) until numbers were kept
 * apart from strings, so their producers need an answer that says exactly what to change.
 */
function envelopeErrors(item: unknown, issue: z.core.$ZodIssue): Omit<EventError, 'index'>[] {
  if (issue.code === 'invalid_type' && issue.expected === 'string') {
    const value = issue.path.reduce<unknown>((v, key) => (v as Record<PropertyKey, unknown>)[key], item)
    if (isJsonNumber(value)) {
      const field = fieldPath(issue.path)
      return [{ field, code: 'number_not_string', message: `${field} must be a JSON string; the number ${value.value} was sent (quote it: "${value.value}")` }]
    }
  }
  return issueDetails([issue]).map((d) => ({ field: d.field || undefined, code: d.code, message: d.message }))
}

/** Enforces a raw metric's optional field schema: declared fields must have the declared type. */
function checkFieldSchema(data: Record<string, unknown>, metric: RawMetricInfo): Omit<EventError, 'index'> | null {
  if (metric.fieldSchema === null) return null
  for (const [field, type] of Object.entries(metric.fieldSchema)) {
    const value = data[field]
    if (value === undefined || value === null) continue
    const ok =
      type === 'number'
        ? isJsonNumber(value) || (typeof value === 'string' && DECIMAL_TEXT.test(value))
        : type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string'
    if (!ok) {
      return {
        field: `data.${field}`,
        code: 'invalid_field_type',
        message: `data.${field} must be a ${type} (raw metric "${metric.name}" declares it so)${isJsonNumber(value) ? `; the number ${value.value} was sent` : ''}`,
      }
    }
  }
  return null
}
