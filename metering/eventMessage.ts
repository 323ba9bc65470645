// The wire format of the events topic `tally.events`, both directions: the gateway's Kafka
// sink encodes, the metering worker decodes, and the dead-letter topic's headers are named
// here too, so the producer and the consumer cannot drift apart.
//   key     the event_id (so every copy of one event lands on one partition, and so with one
//           worker, which is what lets the worker's dedup lookup see earlier copies)
//   value   the stored row as JSON: the eight string columns of ClickHouse `events`
//   header  `tally-org`: the organisation, so a message that cannot be decoded can still be
//           dead-lettered under its organisation
// Decoding is pure (no I/O), so every outcome of a poison message is unit tested.
import { eventRowProblem, type EventRow } from './eventRow.ts'

export const ORG_HEADER = 'tally-org'

/** Headers of a dead letter copied to the dead-letter topic (beside `ORG_HEADER`, when known). */
export const DEAD_LETTER_HEADERS = {
  errorCode: 'tally-error-code',
  errorMessage: 'tally-error-message',
  /** `topic/partition/offset` of the original message. */
  source: 'tally-source',
  failedAt: 'tally-failed-at',
} as const

export interface EventMessage {
  key: string
  value: string
  headers: Record<string, string>
}

const FIELDS = ['org_id', 'raw_metric', 'customer_id', 'event_id', 'timestamp', 'data', 'ingested_at', 'source'] as const

export function encodeEventMessage(row: EventRow): EventMessage {
  return {
    key: row.event_id,
    value: JSON.stringify({
      org_id: row.org_id,
      raw_metric: row.raw_metric,
      customer_id: row.customer_id,
      event_id: row.event_id,
      timestamp: row.timestamp,
      data: row.data,
      ingested_at: row.ingested_at,
      source: row.source,
    }),
    headers: { [ORG_HEADER]: row.org_id },
  }
}

export type DecodeResult =
  { ok: true; row: EventRow } | { ok: false; orgId: string; code: 'message_too_large' | 'invalid_json' | 'invalid_event'; message: string }

export function decodeEventMessage(input: { value: Buffer | null; orgHeader: string | undefined; maxBytes: number }): DecodeResult {
  const headerOrg = input.orgHeader ?? ''
  const value = input.value
  if (value === null) return { ok: false, orgId: headerOrg, code: 'invalid_event', message: 'the message has no value (a tombstone)' }
  if (value.length > input.maxBytes) {
    return { ok: false, orgId: headerOrg, code: 'message_too_large', message: `the message is ${value.length} bytes; the limit is ${input.maxBytes}` }
  }
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
