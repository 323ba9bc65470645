// Raw events of one organisation, for inspection (`GET /v1/events`): newest first, one page at a
// time. Pages are cut by keyset on (timestamp, event_id), the listing's order, so a page is
// read from the sort key, not by skipping rows, and events stored meanwhile never shift a
// later page (an event older than the cursor that arrives late appears on a later page).
// In storing order (`order: 'stored'`) the listing is oldest stored first, by (ingested_at,
// event_id), so a tail pages forward from where it left off until it has caught up, however
// many events arrived at once.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { clickHouseTimeToIso } from './eventRow.ts'

export interface EventListQuery {
  orgId: string
  rawMetric?: string
  customerId?: string
  /** Only events with a timestamp at or after it. */
  from?: Date
  /** Only events with a timestamp before it. */
  to?: Date
  /** Only events stored at or after it (`ingested_at`), whatever their timestamp. */
  ingestedFrom?: Date
  /** `timestamp` (default): the newest timestamp first; `stored`: the earliest stored first. */
  order?: EventOrder
  /** Continue after this event (the previous page's `next`, of the same order). */
  after?: EventCursor
  /** Rows to return. */
  limit: number
}

export type EventOrder = 'timestamp' | 'stored'

/** Where a page ended: the sort key (timestamp, or ingested_at when stored) and event_id of its last event. */
export interface EventCursor {
  order: EventOrder
  /** ClickHouse text, `YYYY-MM-DD HH:mm:ss.SSS` UTC. */
  key: string
  eventId: string
}

export interface EventPage {
  events: StoredEvent[]
  /** The cursor of the next page; null when this page is the last. */
  next: EventCursor | null
}

export interface StoredEvent {
  event_id: string
  raw_metric: string
  customer_id: string
  /** ISO 8601 UTC. */
  timestamp: string
  /** The payload; numbers are decimal strings as the gateway stored them. */
  data: Record<string, unknown>
  /** ISO 8601 UTC. */
  ingested_at: string
  source: string
}

// The text columns have their own aliases: an alias named `timestamp` would shadow the column
// in WHERE, and the range and cursor filters compare the DateTime64 itself.
interface Row {
  event_id: string
  raw_metric: string
  customer_id: string
  timestamp_text: string
  data: string
  ingested_text: string
  source: string
}

export async function listEvents(handle: ClickHouseHandle, q: EventListQuery): Promise<EventPage> {
  const filters = ['org_id = {org_id:String}']
  // One row more than the page: whether it exists says if there is a next page.
  const params: Record<string, unknown> = { org_id: q.orgId, limit: q.limit + 1 }
  if (q.rawMetric !== undefined) {
    filters.push('raw_metric = {raw_metric:String}')
    params.raw_metric = q.rawMetric
  }
  if (q.customerId !== undefined) {
    filters.push('customer_id = {customer_id:String}')
    params.customer_id = q.customerId
  }
  if (q.from !== undefined) {
    filters.push("timestamp >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')")
    params.from_ms = q.from.getTime()
  }
  if (q.to !== undefined) {
    filters.push("timestamp < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')")
    params.to_ms = q.to.getTime()
  }
  if (q.ingestedFrom !== undefined) {
    filters.push("ingested_at >= fromUnixTimestamp64Milli({ingested_from_ms:Int64}, 'UTC')")
    params.ingested_from_ms = q.ingestedFrom.getTime()
  }
  const order = q.order ?? 'timestamp'
  const [column, direction, beyond] = order === 'stored' ? ['ingested_at', 'ASC', '>'] : ['timestamp', 'DESC', '<']
  if (q.after !== undefined) {
    filters.push(`(${column}, event_id) ${beyond} (toDateTime64({after_key:String}, 3, 'UTC'), {after_id:String})`)
    params.after_key = q.after.key
    params.after_id = q.after.eventId
  }
  const rs = await handle.client.query({
    query: `
      SELECT event_id, raw_metric, customer_id, toString(timestamp) AS timestamp_text, data,
             toString(ingested_at) AS ingested_text, source
      FROM events
      WHERE ${filters.join(' AND ')}
      ORDER BY ${column} ${direction}, event_id ${direction}
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const rows = await rs.json<Row>()
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    events: page.map(toStoredEvent),
    next:
      rows.length > q.limit && last !== undefined
        ? { order, key: order === 'stored' ? last.ingested_text : last.timestamp_text, eventId: last.event_id }
        : null,
  }
}

function toStoredEvent(r: Row): StoredEvent {
  return {
    event_id: r.event_id,
    raw_metric: r.raw_metric,
    customer_id: r.customer_id,
    timestamp: clickHouseTimeToIso(r.timestamp_text),
    // NOTE: JSON.parse turns JSON numbers into JS numbers. The gateway stores every number
    // as a decimal string, so stored payloads hold none; a payload written by another path
    // with raw JSON numbers would lose precision here (display only, never billing).
    data: JSON.parse(r.data) as Record<string, unknown>,
    ingested_at: clickHouseTimeToIso(r.ingested_text),
    source: r.source,
  }
}
