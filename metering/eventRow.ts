// The stored shape of one usage event, exactly the columns of ClickHouse `events`.
import { ValidationError } from '../platform/errors.ts'

export interface EventRow {
  org_id: string
  raw_metric: string
  customer_id: string
  event_id: string
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  timestamp: string
  /** The JSON object text as the gateway normalised it; numbers are decimal strings. */
  data: string
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  ingested_at: string
  /** Where the event came from: `api`, `csv`, `kafka`, … */
  source: string
}

/** The columns of `events` a drain insert writes, in the order of `storedValues`. */
export const STORED_COLUMNS = ['org_id', 'raw_metric', 'customer_id', 'event_id', 'timestamp', 'data', 'ingested_at', 'source', 'writer_slot'] as const

/** A row as the values of STORED_COLUMNS, stored under writer slot `slot` (a JSONCompactEachRow row). */
export function storedValues(row: EventRow, slot: number): unknown[] {
  return [row.org_id, row.raw_metric, row.customer_id, row.event_id, row.timestamp, row.data, row.ingested_at, row.source, slot]
}

/**
 * The identity of an event for deduplication: an event id is unique within its organisation
 * only. NUL cannot occur in either part (the gateway rejects control characters), so the
 * pair maps to the string one to one.
 */
export function eventKey(orgId: string, eventId: string): string {
  return `${orgId}\u0000${eventId}`
}

/**
 * Indexes of the first row of each event (by `eventKey`), in order. A repeat of an event within
 * one batch is a duplicate of its first occurrence (the earliest wins): the gateway answers it
 * `duplicate`, the Kafka worker and the drain slot drop it before looking up `events`.
 */
export function firstOfEachEvent(rows: readonly EventRow[]): number[] {
  // Ids per org rather than one set of `eventKey`s: a batch is mostly one org's, and this builds
  // no string per row (the concatenation was ~2 µs a row of a 20,000-row drain batch).
  const seenByOrg = new Map<string, Set<string>>()
  let org: string | undefined
  let seen = new Set<string>()
  const first: number[] = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (row.org_id !== org) {
      org = row.org_id
      seen = seenByOrg.get(org) ?? new Set()
      seenByOrg.set(org, seen)
    }
    if (seen.has(row.event_id)) continue
    seen.add(row.event_id)
    first.push(i)
  }
  return first
}

const CLICKHOUSE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/

/**
 * True when `text` is `YYYY-MM-DD HH:mm:ss.SSS`, the form every stored row has (checkEventRows).
 * Such texts are fixed-width, so comparing them as strings orders them in time, and the hour
 * they fall in is their first 13 characters: the drain's per-row work needs no Date.parse.
 */
export function isClickHouseTime(text: string): boolean {
  return CLICKHOUSE_TIME.test(text)
}

/** Formats an instant as ClickHouse `DateTime64(3, 'UTC')` text: `2023-05-21 09:30:38.731`. */
export function toClickHouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '')
}

/** Parses ClickHouse `DateTime64(3, 'UTC')` text back into ISO 8601 (`…T09:30:38.731Z`). */
export function clickHouseTimeToIso(text: string): string {
  const [day, time = '00:00:00'] = text.split(' ')
  const withMillis = time.includes('.') ? time : `${time}.000`
  return `${day}T${withMillis}Z`
}

/** Why a row cannot be stored, or null. Cheap checks that keep one bad row from failing a shared insert. */
export function eventRowProblem(row: EventRow): string | null {
  if (row.org_id === '') return 'org_id is empty'
  if (row.event_id === '') return 'event_id is empty'
  if (row.raw_metric === '') return 'raw_metric is empty'
  if (!CLICKHOUSE_TIME.test(row.timestamp)) return `timestamp ${JSON.stringify(row.timestamp)} is not YYYY-MM-DD HH:mm:ss.SSS`
  if (!CLICKHOUSE_TIME.test(row.ingested_at)) return `ingested_at ${JSON.stringify(row.ingested_at)} is not YYYY-MM-DD HH:mm:ss.SSS`
  if (!row.data.startsWith('{')) return 'data is not a JSON object'
  return null
}

/**
 * Throws `invalid_event_row` (with the row's index) for the first row that cannot be stored.
 * Writers check each write on its own, so one malformed row fails only its own write, not a
 * shared insert or log entry.
 */
export function checkEventRows(rows: readonly EventRow[]): void {
  for (const [index, row] of rows.entries()) {
    const problem = eventRowProblem(row)
    if (problem !== null) throw new ValidationError('invalid_event_row', problem, [{ index, code: 'invalid_event_row', message: problem }])
  }
}
