// "All customers" for a preview: the customers with events of the metric's raw metrics in the
// period (a trusted query of Tally's own, bound parameters, never template text). Builder
// metrics that take the customer from a data field list that field's values instead.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import { toClickHouseInstant, type Period } from './parameters.ts'

export async function customersWithEvents(opts: {
  handle: ClickHouseHandle
  orgId: string
  version: ResolvedMetricVersion
  period: Period
  limit: number
}): Promise<{ customerIds: string[]; truncated: boolean }> {
  const field = opts.version.builder !== null && opts.version.builder.customer_column !== 'customer_id' ? opts.version.builder.customer_column : null
  const customer = field === null ? 'customer_id' : 'JSONExtractString(data, {field:String})'
  try {
    const rs = await opts.handle.client.query({
      query: `SELECT DISTINCT ${customer} AS c FROM events
              WHERE org_id = {org_id:String} AND raw_metric IN {raw_metrics:Array(String)}
                AND timestamp >= {start:DateTime64(3, 'UTC')} AND timestamp < {end:DateTime64(3, 'UTC')}
              ORDER BY c LIMIT {limit:UInt32}`,
      query_params: {
        org_id: opts.orgId,
        raw_metrics: opts.version.rawMetrics,
        start: toClickHouseInstant(opts.period.start),
        end: toClickHouseInstant(opts.period.end),
        limit: opts.limit + 1,
        ...(field === null ? {} : { field }),
      },
      format: 'JSONEachRow',
    })
    const ids = (await rs.json<{ c: string }>()).map((r) => r.c)
    return { customerIds: ids.slice(0, opts.limit), truncated: ids.length > opts.limit }
  } catch (err) {
    throw toClickHouseError(err, 'list customers')
  }
}
