// One flush of the event writer: drop keys already stored, then insert the rest as one
// idempotent ClickHouse insert. Called only by the writer, which serialises flushes.
import { createHash } from 'node:crypto'
import { insertOnce } from '../platform/clickhouse/insertOnce.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { eventKey, type EventRow } from './eventRow.ts'

export interface BatchOutcome {
  /** Number of rows inserted. */
  inserted: number
  /** Per input row: true when it was inserted, false when it was a duplicate (repeated
   *  earlier in the batch, or already stored). */
  insertedAt: boolean[]
}

/**
 * Returns the keys of `rows` that are already in `event_keys`.
 *
 * One query per flush: the org ids and event ids go in as two array parameters, which
 * lets the primary key (org_id, event_id) prune granules; pairs are then matched exactly
 * here (an id repeated in another org of the same batch can over-fetch, never mis-match).
 */
export async function findStoredKeys(handle: ClickHouseHandle, rows: EventRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const orgIds = [...new Set(rows.map((r) => r.org_id))]
  const eventIds = [...new Set(rows.map((r) => r.event_id))]
  const rs = await handle.client.query({
    query: `SELECT DISTINCT org_id, event_id FROM event_keys
            WHERE org_id IN {org_ids:Array(String)} AND event_id IN {event_ids:Array(String)}`,
    query_params: { org_ids: orgIds, event_ids: eventIds },
    format: 'JSONEachRow',
  })
  const found = await rs.json<{ org_id: string; event_id: string }>()
  return new Set(found.map((r) => eventKey(r.org_id, r.event_id)))
}

/**
 * Deterministic insert deduplication token: the same rows in the same order give the same
 * token, so an insert retried after an ambiguous failure (timeout, lost connection) is
 * dropped by ClickHouse instead of being stored twice.
 */
export function batchToken(rows: EventRow[]): string {
  const hash = createHash('sha256')
  for (const r of rows) hash.update(eventKey(r.org_id, r.event_id)).update('\u0001')
  return `tally-events-${hash.digest('hex')}`
}

/**
 * Inserts `rows` into `events` (and so, through the materialized views, into `event_keys`
 * and the rollups) and resolves only after ClickHouse committed them.
 */
export async function insertEventRows(handle: ClickHouseHandle, rows: EventRow[], token: string): Promise<void> {
  await insertOnce(handle, { table: 'events', rows, token })
}

/** Dedups `rows` within themselves (first wins) and against `event_keys`, then inserts. */
export async function insertEventBatch(handle: ClickHouseHandle, rows: EventRow[]): Promise<BatchOutcome> {
  const insertedAt = rows.map(() => false)
  const firstIndex: number[] = []
  const seen = new Set<string>()
  rows.forEach((row, i) => {
    const key = eventKey(row.org_id, row.event_id)
    if (!seen.has(key)) {
      seen.add(key)
      firstIndex.push(i)
    }
  })
  const stored = await findStoredKeys(handle, firstIndex.map((i) => rows[i] as EventRow))
  const toInsert: EventRow[] = []
  for (const i of firstIndex) {
    const row = rows[i] as EventRow
    if (stored.has(eventKey(row.org_id, row.event_id))) continue
    insertedAt[i] = true
    toInsert.push(row)
  }
  await insertEventRows(handle, toInsert, batchToken(toInsert))
  return { inserted: toInsert.length, insertedAt }
}
