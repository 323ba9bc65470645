// The aggregate query's rows, copied by Tally into a scratch table `__tally_agg_<random>` for the
// customer query to read as `aggregates` (readonly runs cannot create tables), dropped after
// the run (metricQuantities.ts).
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { canonicalQuery } from './canonicalQuery.ts'
import type { ColumnMeta } from './resultShape.ts'
import type { SandboxLimits } from './sandbox.ts'

/** Backquoted identifier: the name comes from ClickHouse's own result metadata. */
function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`'
}

/**
 * Copies the aggregate rows into a scratch table with the result's own column types; true when
 * the rows have a String `customer_id` (each customer then reads only its own).
 * JSON round trip is lossless here: decimals and 64-bit integers arrive quoted, floats as
 * their shortest exact text.
 */
export async function materialize(
  handle: ClickHouseHandle,
  table: string,
  meta: ColumnMeta[],
  data: Array<Record<string, unknown>>,
  limits: SandboxLimits,
): Promise<boolean> {
  if (meta.length === 0) throw new UnprocessableError('aggregate_query_empty', 'the aggregate query returns no columns')
  // With a customer_id column the table is sorted by it, so each copy of the customer query
  // (`WHERE customer_id = {…}`) reads a few small granules instead of every row: without the
  // index, N customers read N × the aggregates (measured: 200M rows for 10k customers).
  const byCustomer = meta.some((c) => c.name === 'customer_id' && /^(LowCardinality\()?String\)?$/.test(c.type))
  const engine = byCustomer ? 'MergeTree ORDER BY customer_id SETTINGS index_granularity = 128' : 'Memory'
  const ddl = `CREATE TABLE ${table} (${meta.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')}) ENGINE = ${engine}`
  // The types are ClickHouse's own text, but an Enum or named Tuple can carry user-chosen
  // strings, and chDB runs every statement of a text: what runs is ClickHouse's own
  // re-serialisation of the DDL, which formatQuery gives only for exactly one statement.
  const single = await canonicalQuery(handle, ddl, limits)
  if (!single.ok) throw new UnprocessableError('aggregate_query_columns', `the aggregate query's columns cannot be stored: ${single.message}`)
  await handle.client.command({ query: single.text })
  if (data.length > 0) await handle.client.insert({ table, values: data, format: 'JSONEachRow' })
  return byCustomer
}
