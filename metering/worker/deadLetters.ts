// The dead-letter store: ClickHouse `events_dead_letter` (migration 0004). Written by the
// metering worker, read (always for one organisation) by GET /v1/dead-letters.
import { insertCommitted } from '../../platform/clickhouse/insertCommitted.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'

export interface DeadLetterRow {
  org_id: string
  source_topic: string
  source_partition: number
  source_offset: string
  /** Line (1-based) of the dead row in a packed record; 0 when the whole record is dead (migration 0007). */
  source_line: number
  message_key: string
  payload: string
  payload_encoding: 'utf8' | 'base64'
  error_code: string
  error_message: string
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  failed_at: string
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The payload as stored: UTF-8 text when it is valid UTF-8, base64 otherwise (never lossy). */
export function encodePayload(value: Buffer | null): { payload: string; payload_encoding: 'utf8' | 'base64' } {
  if (value === null) return { payload: '', payload_encoding: 'utf8' }
  try {
    return { payload: strictUtf8.decode(value), payload_encoding: 'utf8' }
  } catch {
    return { payload: value.toString('base64'), payload_encoding: 'base64' }
  }
}

/**
 * Inserts dead letters. A retried or replayed insert stores them again, which is harmless:
 * the table is a ReplacingMergeTree on the message coordinates and is read with FINAL.
 */
export async function insertDeadLetters(handle: ClickHouseHandle, rows: DeadLetterRow[]): Promise<void> {
  await insertCommitted(handle, { table: 'events_dead_letter', rows })
}

export interface DeadLetter {
  topic: string
  partition: number
  offset: string
  /** Line (1-based) of the dead row in the packed record at `offset`; null when the whole record is dead. */
  line: number | null
  key: string
  payload: string
  payload_encoding: 'utf8' | 'base64'
  error: { code: string; message: string }
  /** ISO 8601 UTC. */
  failed_at: string
}

/** Dead letters of one organisation, newest first. */
export async function listDeadLetters(handle: ClickHouseHandle, q: { orgId: string; limit: number; errorCode?: string }): Promise<DeadLetter[]> {
  const rs = await handle.client.query({
    query: `SELECT source_topic, source_partition, toString(source_offset) AS source_offset, source_line, message_key, payload,
                   payload_encoding, error_code, error_message, failed_at
            FROM events_dead_letter FINAL
            WHERE org_id = {org_id:String} ${q.errorCode === undefined ? '' : 'AND error_code = {error_code:String}'}
            ORDER BY failed_at DESC, source_topic, source_partition, source_offset, source_line
            LIMIT {limit:UInt32}`,
    query_params: { org_id: q.orgId, limit: q.limit, ...(q.errorCode === undefined ? {} : { error_code: q.errorCode }) },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<Omit<DeadLetterRow, 'org_id'>>()
  return rows.map((r) => ({
    topic: r.source_topic,
    partition: Number(r.source_partition),
    offset: r.source_offset,
    line: Number(r.source_line) === 0 ? null : Number(r.source_line),
    key: r.message_key,
    payload: r.payload,
    payload_encoding: r.payload_encoding,
    error: { code: r.error_code, message: r.error_message },
    failed_at: r.failed_at.replace(' ', 'T') + 'Z',
  }))
}
