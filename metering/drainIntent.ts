// Intents (table `drain_intents`, migration 0005): before a writer inserts into `events` it
// records, in one single-row insert (one part, so atomic), the rollup buckets its rows touch.
// If the insert is then cut short (a crash, a view failing on a server, a lost connection),
// the intent names everything the partial insert can have left wrong, and nothing else.
import { TupleParam } from '@clickhouse/client'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { insertCommitted } from '../platform/clickhouse/insertCommitted.ts'
import { clickHouseTimeMs } from './storedEvents.ts'
import { isClickHouseTime, toClickHouseTime, type EventRow } from './eventRow.ts'

/** One hour of one raw metric of one organisation: the unit a recovery recomputes. */
export interface IntentBucket {
  org_id: string
  raw_metric: string
  /** Start of the UTC hour, `YYYY-MM-DD HH:00:00`. */
  hour: string
}

export interface DrainIntent {
  slot: number
  /** Increases by one per intent of a slot; the newest intent is the only one that can be in doubt. */
  version: number
  buckets: IntentBucket[]
  /** query_id of the insert the intent announces. */
  queryId: string
}

const HOUR_MS = 3_600_000

/** The parameter `bucketQueryParams` binds: `(org_id, raw_metric, toStartOfHour(t)) IN ${INTENT_BUCKETS}`. */
export const INTENT_BUCKETS = `{buckets:Array(Tuple(String, String, DateTime('UTC')))}`

/**
 * Query parameters selecting one slot's rows of a set of buckets: `slot`, `buckets`, and the
 * explicit time bounds `from` and `last` (the last bucket's hour), which let ClickHouse prune
 * partitions where the tuple IN alone would not. `buckets` must not be empty.
 */
export function bucketQueryParams(slot: number, buckets: IntentBucket[]) {
  const hours = buckets.map((b) => b.hour).sort()
  return {
    slot,
    buckets: buckets.map((b) => new TupleParam([b.org_id, b.raw_metric, b.hour])),
    from: hours[0]!,
    last: hours.at(-1)!,
  }
}

/**
 * The buckets `rows` touch. Coarser than the rollups' own key (no customer, no minute) on
 * purpose: a real-time flush touches a handful of (org, metric, hour) triples whatever its
 * size, so the intent stays a few hundred bytes; a recovery recomputes every customer and
 * minute of those hours, which costs more once, after a crash, instead of on every flush.
 */
export function touchedBuckets(rows: EventRow[]): IntentBucket[] {
  const seen = new Map<string, IntentBucket>()
  // Rows of a batch mostly share the previous row's org, metric and hour: those are skipped
  // without building a key (the hour is the stored form's first 13 characters).
  let last: { org_id: string; raw_metric: string; hourPrefix: string } | undefined
  for (const r of rows) {
    const stored = isClickHouseTime(r.timestamp)
    if (stored && last !== undefined && r.org_id === last.org_id && r.raw_metric === last.raw_metric && r.timestamp.startsWith(last.hourPrefix)) continue
    last = stored ? { org_id: r.org_id, raw_metric: r.raw_metric, hourPrefix: r.timestamp.slice(0, 13) } : undefined
    const hour = hourOf(r.timestamp)
    const key = `${r.org_id}\u0000${r.raw_metric}\u0000${hour}`
    if (!seen.has(key)) seen.set(key, { org_id: r.org_id, raw_metric: r.raw_metric, hour })
  }
  return [...seen.values()]
}

/** Start of the UTC hour of a stored time, `YYYY-MM-DD HH:00:00`; the stored form needs no Date. */
function hourOf(timestamp: string): string {
  if (isClickHouseTime(timestamp)) return `${timestamp.slice(0, 13)}:00:00`
  const ms = clickHouseTimeMs(timestamp)
  return toClickHouseTime(new Date(ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS))).slice(0, 19)
}

export async function writeIntent(handle: ClickHouseHandle, intent: DrainIntent): Promise<void> {
  await insertCommitted(handle, {
    table: 'drain_intents',
    rows: [
      {
        writer_slot: intent.slot,
        version: intent.version,
        buckets: intent.buckets,
        query_id: intent.queryId,
      },
    ],
  })
}

/** The newest intent of `slot`, or null when the slot never wrote one. */
export async function latestIntent(handle: ClickHouseHandle, slot: number): Promise<DrainIntent | null> {
  const rs = await handle.client.query({
    query: `SELECT toString(version) AS version, buckets, query_id FROM drain_intents
            WHERE writer_slot = {slot:UInt32} ORDER BY version DESC LIMIT 1`,
    query_params: { slot },
    format: 'JSONEachRow',
  })
  // JSONEachRow reads and prints a named tuple as an object, so buckets round-trip as they are.
  const [row] = await rs.json<{ version: string; buckets: IntentBucket[]; query_id: string }>()
  return row === undefined ? null : { slot, version: Number(row.version), buckets: row.buckets, queryId: row.query_id }
}
