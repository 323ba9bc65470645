// Recent raw events of one organisation, for inspection (`GET /v1/events`).
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { clickHouseTimeToIso } from './eventRow.ts'

export interface EventListQuery {
  orgId: string
  rawMetric?: string
  customerId?: string
  /** Rows to return, newest first. */
  limit: number
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

interface Row {
  event_id: string
  raw_metric: string
  customer_id: string
  timestamp: string
  data: string
  ingested_at: string
  source: string
}

export async function listEvents(handle: ClickHouseHandle, q: EventListQuery): Promise<StoredEvent[]> {
  const filters = ['org_id = {org_id:String}']
  const params: Record<string, unknown> = { org_id: q.orgId, limit: q.limit }
  if (q.rawMetric !== undefined) {
    filters.push('raw_metric = {raw_metric:String}')
    params.raw_metric = q.rawMetric
  }
  if (q.customerId !== undefined) {
    filters.push('customer_id = {customer_id:String}')
    params.customer_id = q.customerId
  }
  const rs = await handle.client.query({
    query: `
      SELECT event_id, raw_metric, customer_id, toString(timestamp) AS timestamp, data,
             toString(ingested_at) AS ingested_at, source
      FROM events
      WHERE ${filters.join(' AND ')}
      ORDER BY timestamp DESC, event_id DESC
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
  })
  const rows = await rs.json<Row>()
  return rows.map((r) => ({
    event_id: r.event_id,
    raw_metric: r.raw_metric,
    customer_id: r.customer_id,
    timestamp: clickHouseTimeToIso(r.timestamp),
    // NOTE: JSON.parse turns JSON numbers into JS numbers. The gateway stores every number
    // as a decimal string, so stored payloads hold none; a payload written by another path
    // with raw JSON numbers would lose precision here (display only, never billing).
    data: JSON.parse(r.data) as Record<string, unknown>,
    ingested_at: clickHouseTimeToIso(r.ingested_at),
    source: r.source,
  }))
}
