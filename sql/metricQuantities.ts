// Run (side effects): a metric version's quantities for a set of customers and one period.
// The rating job's one call, and what preview uses.
//
//   1. aggregate query (if any): ONE sandboxed run for all customers of the period; its rows
//      go into a scratch table `__tally_agg_<random>` (sorted by customer_id when it has one) (readonly runs cannot create
//      tables, so Tally copies the rows itself), dropped afterwards;
//   2. customer query: chunks of `chunkSize` customers, each chunk one sandboxed statement
//      with one copy of the template per customer (UNION ALL), reading `aggregates` from the
//      scratch table.
// A stored template is prepared again on every run, exactly as at validation (prepareTemplate.ts:
// the rules or the tables may have changed since), and every statement is checked again as a
// whole, parsed and analysed, before it runs (runSandboxed.ts). Exact under duplicate events
// because `events` holds one row per (org_id, event_id) (metering invariant 2).
import { randomBytes } from 'node:crypto'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { canonicalQuery } from './canonicalQuery.ts'
import { composeAggregateQuery, composeCustomerQuery, CUSTOMER_INDEX_COLUMN, customerFieldOf, type Scope } from './composeQuery.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import { checkParameterValues } from './parameterValues.ts'
import { bindParameters, type Period } from './parameters.ts'
import { prepareTemplate, type PreparedTemplate } from './prepareTemplate.ts'
import { quantityColumn, quantityColumnProblem, quantityText, reservedColumnProblem, sumQuantities, type ColumnMeta } from './resultShape.ts'
import { checkComposedQuery, executeSandboxed, storedTableNames } from './runSandboxed.ts'
import { DEFAULT_LIMITS, toSandboxError, type SandboxLimits } from './sandbox.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

export interface CustomerQuantity {
  customerId: string
  /** Sum of `quantity` over the customer's rows, exact decimal string. */
  quantity: string
  /** The customer query's rows: dimension columns and `quantity` (decimal string; always this key). */
  rows: Array<Record<string, unknown>>
}

export interface RunStats {
  /** Statements run (aggregate + customer chunks). */
  queries: number
  rowsRead: number
  bytesRead: number
  /** Wall time of the whole call, milliseconds. */
  elapsedMs: number
}

export interface MetricQuantities {
  customers: CustomerQuantity[]
  columns: ColumnMeta[]
  stats: RunStats
}

export interface MetricQuantitiesInput {
  handle: ClickHouseHandle
  orgId: string
  version: ResolvedMetricVersion
  customerIds: readonly string[]
  period: Period
  parameterOverrides?: Record<string, string>
  limits?: SandboxLimits
  /** Customers per customer-query statement (default 100). */
  chunkSize?: number
}

async function prepareOrThrow(opts: Omit<Parameters<typeof prepareTemplate>[0], 'hasAggregates'> & { hasAggregates?: boolean }): Promise<PreparedTemplate> {
  const outcome = await prepareTemplate({ hasAggregates: false, ...opts })
  if (!outcome.ok) {
    const issues = outcome.issues
    throw new UnprocessableError(
      'invalid_template',
      `The ${opts.role} is invalid: ${issues[0]!.code}: ${issues[0]!.message}`,
      issues.map((i) => ({ field: i.query, code: i.code, message: i.message })),
      {
        issues,
      },
    )
  }
  return outcome.template
}

export async function metricQuantities(input: MetricQuantitiesInput): Promise<MetricQuantities> {
  const started = performance.now()
  const limits = input.limits ?? DEFAULT_LIMITS
  const chunkSize = input.chunkSize ?? 100
  const { handle, version } = input
  const scope: Scope = { orgId: input.orgId, rawMetrics: version.rawMetrics, period: input.period, customerField: customerFieldOf(version.builder) }
  const params = bindParameters({ customerId: '', period: input.period, declared: version.parameters, overrides: input.parameterOverrides })
  await checkParameterValues({ handle, declared: version.parameters, values: params, limits })
  const storedTables = await storedTableNames(handle)
  const common = { handle, version, params, storedTables, limits }
  const aggregate = version.aggregateQuery === null ? null : await prepareOrThrow({ ...common, role: 'aggregate_query', text: version.aggregateQuery })
  const customer = await prepareOrThrow({ ...common, role: 'customer_query', text: version.customerQuery, hasAggregates: aggregate !== null })
  const stats: RunStats = { queries: 0, rowsRead: 0, bytesRead: 0, elapsedMs: 0 }
  const out: CustomerQuantity[] = []
  let columns: ColumnMeta[] = []
  let scratch: string | null = null
  let user = aggregate?.user ?? customer.user
  try {
    let byCustomer = false
    if (aggregate !== null) {
      const composed = composeAggregateQuery({ scope, aggregate: aggregate.canonical, limits })
      const all = { ...params, ...composed.params }
      await checkComposedQuery({ handle, composed, params: all, limits, storedTables })
      const result = await executeSandboxed(handle, composed.sql, all)
      count(stats, result)
      const reserved = reservedColumnProblem(result.meta, [])
      if (reserved !== null) throw new UnprocessableError(reserved.code, reserved.message)
      scratch = `${RESERVED_PREFIX}_agg_${randomBytes(8).toString('hex')}`
      byCustomer = await materialize(handle, scratch, result.meta, result.data, limits)
    }
    user = customer.user
    const checked = new Set<string>()
    for (let from = 0; from < input.customerIds.length; from += chunkSize) {
      const ids = input.customerIds.slice(from, from + chunkSize)
      const composed = composeCustomerQuery({
        scope,
        customer: customer.canonical,
        aggregates: scratch === null ? { kind: 'none' } : { kind: 'table', table: scratch, byCustomer },
        customerIds: ids,
        limits,
      })
      const all = { ...params, ...composed.params }
      // Full chunks are one text with other bound values (strings, which cannot change what a
      // name resolves to: Identifier parameters are refused), so each text is checked once a run.
      if (!checked.has(composed.body)) await checkComposedQuery({ handle, composed, params: all, limits, storedTables })
      checked.add(composed.body)
      const result = await executeSandboxed(handle, composed.sql, all)
      count(stats, result)
      const reserved = reservedColumnProblem(result.meta, [CUSTOMER_INDEX_COLUMN])
      if (reserved !== null) throw new UnprocessableError(reserved.code, reserved.message)
      const meta = result.meta.slice(1)
      const problem = quantityColumnProblem(meta, version.dimensions)
      if (problem !== null) throw new UnprocessableError(problem.code, problem.message)
      out.push(...splitByCustomer(ids, meta, result.data))
      const q = quantityColumn(meta)!
      columns = meta.map((c) => (c === q ? { name: 'quantity', type: c.type } : c))
    }
  } catch (err) {
    throw toSandboxError(err, limits, user)
  } finally {
    if (scratch !== null) await handle.client.command({ query: `DROP TABLE IF EXISTS ${scratch} SYNC` }).catch(() => undefined)
  }
  stats.elapsedMs = performance.now() - started
  return { customers: out, columns, stats }
}

function count(stats: RunStats, result: { rowsRead: number; bytesRead: number }): void {
  stats.queries++
  stats.rowsRead += result.rowsRead
  stats.bytesRead += result.bytesRead
}

/** Rows by the index Tally gave each copy (reservedColumnProblem proved the column is Tally's). */
function splitByCustomer(ids: readonly string[], columns: ColumnMeta[], data: Array<Record<string, unknown>>): CustomerQuantity[] {
  const q = quantityColumn(columns)!
  const rowsOf: Array<Array<Record<string, unknown>>> = ids.map(() => [])
  for (const row of data) {
    const index = Number(row[CUSTOMER_INDEX_COLUMN])
    const clean: Record<string, unknown> = {}
    // The quantity is always keyed `quantity`, whatever a single-column result named it.
    for (const c of columns) if (c.name !== q.name) clean[c.name] = row[c.name]
    clean.quantity = quantityText(row[q.name])
    rowsOf[index]!.push(clean)
  }
  return ids.map((customerId, i) => {
    const rows = rowsOf[i]!
    return { customerId, rows, quantity: sumQuantities(rows.map((r) => r.quantity as string)) }
  })
}

/** Backquoted identifier: the name comes from ClickHouse's own result metadata. */
function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`'
}

/**
 * Copies the aggregate rows into a scratch table with the result's own column types.
 * JSON round trip is lossless here: decimals and 64-bit integers arrive quoted, floats as
 * their shortest exact text.
 */
async function materialize(
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
