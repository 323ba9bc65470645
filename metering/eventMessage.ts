// The wire format of the events topic `tally.events`, both directions: the gateway's Kafka
// sink encodes, the metering worker decodes, and the dead-letter topic's headers are named
// here too, so the producer and the consumer cannot drift apart.
//
// Packed records (`tally-format: packed-v1`, what the sink writes since issue 19): one record
// carries many events, all of ONE partition (the partition `keyPartition(event_id)` gives each
// of them, set explicitly on the record), because Kafka's per-record cost, not the bytes, is
// what the producer spends its CPU on (docs/benchmarks.md, "Kafka path").
//   key       the first row's event_id (so a keyed re-send of the record lands where its rows belong)
//   value     the stored rows as NDJSON: each line the eight string columns of ClickHouse `events`
//             as one JSON object (JSON.stringify never writes a raw newline, so lines split safely),
//             at most the sink's `maxRecordBytes`
//   headers   `tally-format: packed-v1`; `tally-org` only when every row has that organisation
// One-event records (no `tally-format` header; what the topic holds from before): key = the
// event_id, value = the one row as JSON, `tally-org` = its organisation. Both are decoded, so a
// topic written before an upgrade drains after it.
//
// Every copy of an event still lands on one partition, and so with one worker, which is what
// lets the worker's dedup lookup see earlier copies. Decoding is pure (no I/O), so every outcome
// of a poison record or row is unit tested: a bad row of a packed record is dead-lettered alone
// (with its line number), the good rows are stored.
import { keyPartition } from '../platform/kafka/keyPartition.ts'
import { eventRowProblem, type EventRow } from './eventRow.ts'

export const ORG_HEADER = 'tally-org'
export const FORMAT_HEADER = 'tally-format'
export const PACKED_FORMAT = 'packed-v1'

/** Headers of a dead letter copied to the dead-letter topic (beside `ORG_HEADER`, when known). */
export const DEAD_LETTER_HEADERS = {
  errorCode: 'tally-error-code',
  errorMessage: 'tally-error-message',
  /** `topic/partition/offset` of the original record. */
  source: 'tally-source',
  /** Line (1-based) of the dead row in the packed record at `source`; absent when the whole record is dead. */
  sourceLine: 'tally-source-line',
  failedAt: 'tally-failed-at',
} as const

export interface EventMessage {
  key: string
  value: string
  headers: Record<string, string>
  /** Set on packed records: the partition of every row in it. */
  partition?: number
}

/** One row as a line of a packed record, with what the sink groups and bounds it by. */
export interface EventLine {
  eventId: string
  orgId: string
  text: string
  /** UTF-8 bytes of `text`. */
  bytes: number
}

const FIELDS = ['org_id', 'raw_metric', 'customer_id', 'event_id', 'timestamp', 'data', 'ingested_at', 'source'] as const

export function eventLine(row: EventRow): EventLine {
  const text = JSON.stringify({
    org_id: row.org_id,
    raw_metric: row.raw_metric,
    customer_id: row.customer_id,
    event_id: row.event_id,
    timestamp: row.timestamp,
    data: row.data,
    ingested_at: row.ingested_at,
    source: row.source,
  })
  return { eventId: row.event_id, orgId: row.org_id, text, bytes: Buffer.byteLength(text) }
}

/**
 * Lines as packed records: grouped by the partition of their event id among `partitions`, in
 * order within each, one record per partition unless its value would pass `maxBytes` (then
 * more; a single line longer than that goes alone, and the worker dead-letters it as too large).
 */
export function packEventRecords(input: { lines: EventLine[]; partitions: number; maxBytes: number }): EventMessage[] {
  const byPartition = new Map<number, EventLine[]>()
  for (const line of input.lines) {
    const partition = keyPartition(line.eventId, input.partitions)
    const group = byPartition.get(partition)
    if (group === undefined) byPartition.set(partition, [line])
    else group.push(line)
  }
  const records: EventMessage[] = []
  for (const [partition, lines] of byPartition) {
    let start = 0
    while (start < lines.length) {
      let bytes = lines[start]!.bytes
      let end = start + 1
      while (end < lines.length && bytes + 1 + lines[end]!.bytes <= input.maxBytes) bytes += 1 + lines[end++]!.bytes
      records.push(packedRecord(partition, lines.slice(start, end)))
      start = end
    }
  }
  return records
}

function packedRecord(partition: number, lines: EventLine[]): EventMessage {
  const orgId = lines[0]!.orgId
  const oneOrg = lines.every((l) => l.orgId === orgId)
  return {
    key: lines[0]!.eventId,
    value: lines.map((l) => l.text).join('\n'),
    headers: oneOrg ? { [FORMAT_HEADER]: PACKED_FORMAT, [ORG_HEADER]: orgId } : { [FORMAT_HEADER]: PACKED_FORMAT },
    partition,
  }
}

type ErrorCode = 'message_too_large' | 'invalid_json' | 'invalid_event'

/**
 * One outcome per event of a record: a row to store, or a dead letter with the organisation
 * when it can tell, the bytes to keep (`payload`: the row's line, or the whole value) and
 * `line`: the row's line number (1-based) in a packed record, null when the whole record is dead
 * or it is a one-event record.
 */
export type DecodedEvent =
  { ok: true; row: EventRow } | { ok: false; orgId: string; code: ErrorCode; message: string; line: number | null; payload: Buffer | null }

/**
 * `maxBytes` bounds one event: a one-event record's value, or each line of a packed record (a
 * packed record as a whole is bounded by the broker's `message.max.bytes` and the sink's
 * `maxRecordBytes`, so a worker configured with a smaller event limit than the sink's record
 * size still stores every event it would have stored one by one).
 */
export function decodeEventRecord(input: {
  value: Buffer | null
  orgHeader: string | undefined
  formatHeader: string | undefined
  maxBytes: number
}): DecodedEvent[] {
  const headerOrg = input.orgHeader ?? ''
  const value = input.value
  const whole = (code: ErrorCode, message: string): DecodedEvent[] => [{ ok: false, orgId: headerOrg, code, message, line: null, payload: value }]
  if (value === null) return whole('invalid_event', 'the message has no value (a tombstone)')
  if (input.formatHeader === undefined) {
    if (value.length > input.maxBytes) return whole('message_too_large', `the message is ${value.length} bytes; the limit is ${input.maxBytes}`)
    const single = decodeRow(value, headerOrg)
    return [single.ok ? single : { ...single, line: null, payload: value }]
  }
  if (input.formatHeader !== PACKED_FORMAT) return whole('invalid_event', `unknown ${FORMAT_HEADER} ${JSON.stringify(input.formatHeader)}`)
  const decoded: DecodedEvent[] = []
  let start = 0
  for (let line = 1; start <= value.length; line++) {
    const newline = value.indexOf(0x0a, start)
    const end = newline === -1 ? value.length : newline
    const text = value.subarray(start, end)
    const one: RowResult =
      text.length > input.maxBytes
        ? { ok: false, orgId: headerOrg, code: 'message_too_large', message: `the event is ${text.length} bytes; the limit is ${input.maxBytes}` }
        : decodeRow(text, headerOrg)
    decoded.push(one.ok ? one : { ...one, line, payload: text })
    start = end + 1
  }
  if (decoded.every((d) => !d.ok && d.code === 'invalid_json')) {
    return whole('invalid_json', `no line of the packed record is JSON: ${(decoded[0] as { message: string }).message}`)
  }
  return decoded
}

type RowResult = { ok: true; row: EventRow } | { ok: false; orgId: string; code: ErrorCode; message: string }

/** One event row as JSON (a one-event record's value, or one line of a packed record). */
function decodeRow(value: Buffer, headerOrg: string): RowResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(value.toString('utf8'))
  } catch (err) {
    return { ok: false, orgId: headerOrg, code: 'invalid_json', message: `the value is not JSON: ${(err as Error).message}` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, orgId: headerOrg, code: 'invalid_event', message: 'the value is not a JSON object' }
  }
  const obj = parsed as Record<string, unknown>
  const orgId = typeof obj.org_id === 'string' && obj.org_id !== '' ? obj.org_id : headerOrg
  for (const field of FIELDS) {
    if (typeof obj[field] !== 'string') return { ok: false, orgId, code: 'invalid_event', message: `${field} is missing or not a string` }
  }
  const row = Object.fromEntries(FIELDS.map((f) => [f, obj[f]])) as unknown as EventRow
  if (headerOrg !== '' && row.org_id !== headerOrg) {
    return { ok: false, orgId: headerOrg, code: 'invalid_event', message: `org_id ${JSON.stringify(row.org_id)} differs from the ${ORG_HEADER} header` }
  }
  const problem = eventRowProblem(row)
  if (problem !== null) return { ok: false, orgId, code: 'invalid_event', message: problem }
  try {
    const data: unknown = JSON.parse(row.data)
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object')
  } catch (err) {
    return { ok: false, orgId, code: 'invalid_event', message: `data is not a JSON object: ${(err as Error).message}` }
  }
  return { ok: true, row }
}
