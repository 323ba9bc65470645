// Counts what billing would read, two ways, so a fault test can assert both agree with the
// events it sent: a recount from raw `events`, and the rollups (`usage_hour`, `usage_minute`).
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'

export interface KafkaMeteringTotals {
  /** Rows in `events` (duplicates would show here). */
  rows: number
  /** Distinct event ids in `events`. */
  distinct: number
  /** Sum of data.value over raw rows, exact decimal string. */
  rawSum: string
  /** Events counted by usage_hour / usage_minute (field ''). */
  hourEvents: number
  minuteEvents: number
  /** Sum of `value` in usage_hour / usage_minute, exact decimal strings. */
  hourSum: string
  minuteSum: string
}

export async function kafkaMeteringTotalsOf(handle: ClickHouseHandle, orgId: string): Promise<KafkaMeteringTotals> {
  const one = async <T>(query: string): Promise<T> =>
    (await (await handle.client.query({ query, query_params: { org: orgId }, format: 'JSONEachRow' })).json<T>())[0]!
  const raw = await one<{ rows: string; distinct: string; raw_sum: string }>(
    `SELECT count() AS rows, uniqExact(event_id) AS distinct,
            toString(sum(toDecimal128(JSONExtractString(data, 'value'), 9))) AS raw_sum
     FROM events WHERE org_id = {org:String}`,
  )
  const rollup = async (table: string) =>
    one<{ events: string; total: string }>(
      `SELECT (SELECT countMerge(count) FROM ${table} WHERE org_id = {org:String} AND field = '') AS events,
              (SELECT toString(ifNull(sumMerge(sum), toDecimal128(0, 9))) FROM ${table} WHERE org_id = {org:String} AND field = 'value') AS total`,
    )
  const hour = await rollup('usage_hour')
  const minute = await rollup('usage_minute')
  return {
    rows: Number(raw.rows),
    distinct: Number(raw.distinct),
    rawSum: raw.raw_sum,
    hourEvents: Number(hour.events),
    minuteEvents: Number(minute.events),
    hourSum: hour.total,
    minuteSum: minute.total,
  }
}
