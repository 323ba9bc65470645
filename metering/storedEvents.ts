// The dedup lookup: which of a batch's events `events` already holds. It reads `events`
// itself, through the projection `by_event_id` (migration 0005), which is stored inside each
// part of `events`: a part and its lookup entries commit together, so whatever subset of an
// insert a crash left behind, the lookup sees exactly that subset.
import { clickHouseTimeToIso, eventKey, isClickHouseTime, toClickHouseTime, type EventRow } from './eventRow.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'

/** Default dedup window: the anchors keep ids 31–34 days (metering/README.md "Dedup window"). */
export const DEFAULT_DEDUP_WINDOW_DAYS = 34

/** Milliseconds since the epoch of a stored `YYYY-MM-DD HH:mm:ss.SSS` UTC time. */
export function clickHouseTimeMs(text: string): number {
  return Date.parse(clickHouseTimeToIso(text))
}

/**
 * Returns the keys (`eventKey`) of `rows` that are already stored: same org and event id,
 * and a stored timestamp within `windowMs` of the row's own.
 *
 * The window bounds the lookup by time, so it reads only the monthly partitions (and, inside
 * them, the parts) whose timestamps can hold a copy, however many years of events are stored.
 * A copy of an event carries the event's timestamp (the producer resends the same body; a
 * derived id includes the timestamp), so a replay of any age is still found; only a resend
 * that moved the timestamp by more than the window would count again. One query per chunk of
 * the batch (LOOKUP_CHUNK_ROWS): org ids and event ids go in as two array parameters and the
 * pairs are matched exactly here.
 */
export async function findStoredKeys(handle: ClickHouseHandle, rows: EventRow[], windowMs: number): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < rows.length; i += LOOKUP_CHUNK_ROWS) {
    for (const key of await findStoredKeysOnce(handle, rows.slice(i, i + LOOKUP_CHUNK_ROWS), windowMs)) found.add(key)
  }
  return found
}

/**
 * Most ids one lookup query carries. The lookup's cost grows far faster than its size past
 * ~20,000 ids (chDB 26.7, 50,000 events stored over a year in 20 parts: 5,000 ids 33 ms,
 * 20,000 ids 91 ms, 50,000 ids 14.7 s; the same 50,000 stored ids 8.2 s in one query, 0.43 s in
 * ten), so a writer batch of up to 50,000 rows looks up in chunks, each with its own window.
 * 10,000 rather than 5,000 since issue 19: a 20,000-row drain batch of random 32-hex ids against
 * 200,000 stored, CPU medians of 5 alternating rounds (load 11): 5,000-id chunks 255 ms (ids not
 * stored) / 278 ms (all stored), 10,000 197 / 230, 20,000 296 / 285 (metering/README.md "Dedup
 * window and cost").
 */
const LOOKUP_CHUNK_ROWS = 10_000

async function findStoredKeysOnce(handle: ClickHouseHandle, rows: EventRow[], windowMs: number): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const { min, max } = timeSpanMs(rows)
  const eventIds = [...new Set(rows.map((r) => r.event_id))]
  // The ids travel as one JSON text, not as an Array(String) parameter: a 10,000-id array
  // parameter cost ~27 ms of CPU before the query read anything (chDB's per-character escaping
  // in JS, then ClickHouse parsing the array literal), one JSON string ~15 ms (metering/README.md
  // "Dedup window and cost"). The throwIf makes a text ClickHouse could not read fail the lookup
  // instead of looking up nothing (JSONExtract answers an empty array for bad JSON).
  const rs = await handle.client.query({
    query: `WITH JSONExtract({event_ids:String}, 'Array(String)') AS ids
            SELECT org_id, event_id, toString(toUnixTimestamp64Milli(timestamp)) AS ms FROM events
            WHERE throwIf(length(ids) != {id_count:UInt32}, 'the dedup lookup read fewer ids than it was sent') = 0
              AND org_id IN {org_ids:Array(String)} AND event_id IN ids
              AND timestamp >= {from:DateTime64(3, 'UTC')} AND timestamp <= {to:DateTime64(3, 'UTC')}`,
    query_params: {
      org_ids: [...new Set(rows.map((r) => r.org_id))],
      event_ids: JSON.stringify(eventIds),
      id_count: eventIds.length,
      from: toClickHouseTime(new Date(min - windowMs)),
      to: toClickHouseTime(new Date(max + windowMs)),
    },
    format: 'JSONEachRow',
  })
  const stored = new Map<string, number[]>()
  for (const r of await rs.json<{ org_id: string; event_id: string; ms: string }>()) {
    const key = eventKey(r.org_id, r.event_id)
    const times = stored.get(key) ?? []
    times.push(Number(r.ms))
    stored.set(key, times)
  }
  const found = new Set<string>()
  if (stored.size === 0) return found // the usual drain batch: nothing is a replay
  for (const r of rows) {
    const key = eventKey(r.org_id, r.event_id)
    const times = stored.get(key)
    if (times === undefined) continue
    const ms = clickHouseTimeMs(r.timestamp)
    if (times.some((t) => Math.abs(t - ms) <= windowMs)) found.add(key)
  }
  return found
}

/**
 * Earliest and latest timestamp of `rows`, in ms. Stored-form texts are compared as strings and
 * only the two ends parsed (a Date.parse per row was ~15% of a 20,000-row lookup's CPU); any
 * other text is parsed.
 */
export function timeSpanMs(rows: readonly EventRow[]): { min: number; max: number } {
  let minText: string | undefined
  let maxText: string | undefined
  let min = Infinity
  let max = -Infinity
  const widen = (ms: number) => {
    if (ms < min) min = ms
    if (ms > max) max = ms
  }
  for (const { timestamp: t } of rows) {
    if (!isClickHouseTime(t)) widen(clickHouseTimeMs(t))
    else if (minText === undefined || maxText === undefined) minText = maxText = t
    else if (t < minText) minText = t
    else if (t > maxText) maxText = t
  }
  if (minText !== undefined) widen(clickHouseTimeMs(minText))
  if (maxText !== undefined) widen(clickHouseTimeMs(maxText))
  return { min, max }
}
