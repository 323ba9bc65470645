// Decodes one message of the events topic (format: ingest/sink/kafkaEventMessage.ts) into a
// stored row, or says why it is poison. Pure: no I/O, so every outcome is unit tested.
import { eventRowProblem, type EventRow } from '../eventRow.ts'

export type DecodeResult =
  | { ok: true; row: EventRow }
  | { ok: false; orgId: string; code: 'message_too_large' | 'invalid_json' | 'invalid_event'; message: string }

const FIELDS = ['org_id', 'raw_metric', 'customer_id', 'event_id', 'timestamp', 'data', 'ingested_at', 'source'] as const

export const ORG_HEADER = 'tally-org'

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
