// Usage per customer id of one organisation, from `usage_hour` (one row per org, raw metric,
// customer, field and hour, so this reads far fewer rows than `events`). What
// `GET /v1/usage/unmatched` filters down to the customer ids the ledger does not know.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { clickHouseTimeToIso } from './eventRow.ts'

export interface CustomerUsage {
  customer_id: string
  /** Events counted, a decimal string. */
  events: string
  raw_metrics: string[]
  /** Start of the first and of the last hour with events, ISO 8601 UTC. */
  first_hour: string
  last_hour: string
}

export async function usageByCustomer(handle: ClickHouseHandle, orgId: string): Promise<CustomerUsage[]> {
  const rs = await handle.client.query({
    query: `
      SELECT customer_id, toString(countMerge(count)) AS events, arraySort(groupUniqArray(raw_metric)) AS raw_metrics,
             toString(min(bucket)) AS first_hour, toString(max(bucket)) AS last_hour
      FROM usage_hour
      WHERE org_id = {org_id:String} AND field = ''
      GROUP BY customer_id
      ORDER BY customer_id`,
    query_params: { org_id: orgId },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<CustomerUsage>()
  return rows.map((r) => ({ ...r, first_hour: clickHouseTimeToIso(r.first_hour), last_hour: clickHouseTimeToIso(r.last_hour) }))
}
