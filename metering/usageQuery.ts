// Usage per bucket, served from the rollup tables (never from raw events).
//
// Buckets are UTC. A bucket belongs to the range when its start is in [from, to): a
// from/to inside a bucket does not cut it (asking 10:30–11:00 at hour granularity returns
// nothing, 10:00–11:00 returns the 10:00 bucket whole). Day buckets are the merge of the
// 24 hour buckets of a UTC day.
//
// Without customerId every customer gets its own rows (the unit billing rates), so each
// bucket entry names its customer; entries are ordered by bucket, then customer.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { clickHouseTimeToIso, toClickHouseTime } from './eventRow.ts'

export type Granularity = 'minute' | 'hour' | 'day'

export interface UsageQuery {
  orgId: string
  rawMetric: string
  customerId?: string
  from: Date
  to: Date
  granularity: Granularity
}

/** Aggregates of one numeric field in one bucket; decimals as strings, never JS numbers. */
export interface FieldUsage {
  /** Events in the bucket carrying this field as a number. */
  count: string
  sum: string
  min: string
  max: string
}

export interface UsageBucket {
  /** Bucket start, ISO 8601 UTC. */
  bucket: string
  customer_id: string
  /** Events in the bucket, numeric fields or not. */
  events: string
  fields: Record<string, FieldUsage>
}

export interface UsageResult {
  buckets: UsageBucket[]
}

const SOURCES: Record<Granularity, { table: string; bucket: string }> = {
  minute: { table: 'usage_minute', bucket: 'bucket' },
  hour: { table: 'usage_hour', bucket: 'bucket' },
  day: { table: 'usage_hour', bucket: 'toStartOfDay(bucket)' },
}

interface Row {
  b: string
  customer_id: string
  field: string
  count: string
  sum: string | null
  min: string | null
  max: string | null
}

export async function queryUsage(handle: ClickHouseHandle, q: UsageQuery): Promise<UsageResult> {
  const { table, bucket } = SOURCES[q.granularity]
  const customerFilter = q.customerId === undefined ? '' : 'AND customer_id = {customer_id:String}'
  // toString keeps every aggregate a decimal string through JSON (ClickHouse would print
  // Decimal and UInt64 as JSON numbers otherwise). Trailing zeros are dropped: 7.500000000 -> 7.5.
  const rs = await handle.client.query({
    query: `
      SELECT toString(${bucket}) AS b, customer_id, field,
             toString(countMerge(count)) AS count,
             toString(sumMerge(sum)) AS sum,
             toString(minMerge(min)) AS min,
             toString(maxMerge(max)) AS max
      FROM ${table}
      WHERE org_id = {org_id:String} AND raw_metric = {raw_metric:String} ${customerFilter}
        AND ${bucket} >= {from:DateTime64(3, 'UTC')} AND ${bucket} < {to:DateTime64(3, 'UTC')}
      GROUP BY b, customer_id, field
      ORDER BY b, customer_id, field`,
    query_params: {
      org_id: q.orgId,
      raw_metric: q.rawMetric,
      from: toClickHouseTime(q.from),
      to: toClickHouseTime(q.to),
      ...(q.customerId === undefined ? {} : { customer_id: q.customerId }),
    },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<Row>()
  const buckets: UsageBucket[] = []
  let current: UsageBucket | undefined
  for (const row of rows) {
    const start = clickHouseTimeToIso(row.b)
    if (current === undefined || current.bucket !== start || current.customer_id !== row.customer_id) {
      current = { bucket: start, customer_id: row.customer_id, events: '0', fields: {} }
      buckets.push(current)
    }
    if (row.field === '') current.events = row.count
    else current.fields[row.field] = { count: row.count, sum: row.sum ?? '0', min: row.min ?? '0', max: row.max ?? '0' }
  }
  return { buckets }
}
