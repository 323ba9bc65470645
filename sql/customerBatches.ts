// The per-customer form of a metric run: chunks of customers, each chunk one sandboxed
// statement with one copy of the template per customer (UNION ALL, composeQuery.ts), reading
// `aggregates` from the scratch table. Every template can run this way; groupedRun.ts is the
// faster form for the templates whose shape allows it.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { composeCustomerQuery, CUSTOMER_INDEX_COLUMN, type AggregatesSource, type Scope } from './composeQuery.ts'
import type { TreeNode } from './queryTree.ts'
import { quantityColumn, quantityColumnProblem, quantityText, reservedColumnProblem, sumQuantities, type ColumnMeta } from './resultShape.ts'
import { checkComposedQuery, executeSandboxed, type SandboxResult } from './runSandboxed.ts'
import type { SandboxLimits } from './sandbox.ts'
import type { ScannedTemplate } from './templateScan.ts'

export interface CustomerQuantity {
  customerId: string
  /** Sum of `quantity` over the customer's rows, exact decimal string. */
  quantity: string
  /** The customer query's rows: dimension columns and `quantity` (decimal string; always this key). */
  rows: Array<Record<string, unknown>>
}

export interface RunStats {
  /** Statements run (aggregate + customer statements). */
  queries: number
  rowsRead: number
  bytesRead: number
  /** Wall time of the whole call, milliseconds. */
  elapsedMs: number
  /**
   * How the customer query ran: `grouped` (one statement for many customers, groupedRun.ts),
   * `per_customer` (a copy per customer), `rollups` (a builder metric answered from the
   * metering rollups, rollupQuantities.ts).
   */
  form: 'grouped' | 'per_customer' | 'rollups'
  /** Why the grouped form was not used, when it was not. */
  notGrouped?: string
  /** A builder metric the rollups could not answer: why (rollupQuantities.ts). */
  notFromRollups?: string
}

/** What every statement of one metric run shares. */
export interface MetricRun {
  handle: ClickHouseHandle
  scope: Scope
  customer: ScannedTemplate
  aggregates: AggregatesSource
  /** The template's and Tally's period parameters (customer-specific ones are added per statement). */
  params: Record<string, unknown>
  dimensions: readonly string[]
  limits: SandboxLimits
  storedTables: ReadonlySet<string>
  stats: RunStats
}

export interface CustomerRows {
  customers: CustomerQuantity[]
  columns: ColumnMeta[]
}

export function count(stats: RunStats, result: Pick<SandboxResult, 'rowsRead' | 'bytesRead'>): void {
  stats.queries++
  stats.rowsRead += result.rowsRead
  stats.bytesRead += result.bytesRead
}

/** The result's columns after Tally's `__tally_customer`, checked; the quantity renamed `quantity`. */
export function customerColumns(run: MetricRun, meta: ColumnMeta[]): { columns: ColumnMeta[]; quantity: ColumnMeta } {
  const reserved = reservedColumnProblem(meta, [CUSTOMER_INDEX_COLUMN])
  if (reserved !== null) throw new UnprocessableError(reserved.code, reserved.message)
  const rest = meta.slice(1)
  const problem = quantityColumnProblem(rest, run.dimensions)
  if (problem !== null) throw new UnprocessableError(problem.code, problem.message)
  const q = quantityColumn(rest)!
  return { columns: rest.map((c) => (c === q ? { name: 'quantity', type: c.type } : c)), quantity: q }
}

/** One result row without Tally's column, the quantity as an exact decimal string keyed `quantity`. */
export function cleanRow(row: Record<string, unknown>, columns: readonly ColumnMeta[], quantity: ColumnMeta): Record<string, unknown> {
  const clean: Record<string, unknown> = {}
  for (const c of columns) if (c.name !== 'quantity') clean[c.name] = row[c.name]
  // The quantity is always keyed `quantity`, whatever a single-column result named it.
  clean.quantity = quantityText(row[quantity.name])
  return clean
}

export function customerQuantity(customerId: string, rows: Array<Record<string, unknown>>): CustomerQuantity {
  return { customerId, rows, quantity: sumQuantities(rows.map((r) => r.quantity as string)) }
}

/** The per-customer composition for the first customer, checked: its analysed tree. */
export async function checkedSingleCustomer(run: MetricRun, customerId: string): Promise<TreeNode> {
  const composed = composeCustomerQuery({ scope: run.scope, customer: run.customer, aggregates: run.aggregates, customerIds: [customerId], limits: run.limits })
  return checkComposedQuery({ handle: run.handle, composed, params: { ...run.params, ...composed.params }, limits: run.limits, storedTables: run.storedTables })
}

export async function runCustomerBatches(run: MetricRun, customerIds: readonly string[], chunkSize: number): Promise<CustomerRows> {
  const out: CustomerQuantity[] = []
  let columns: ColumnMeta[] = []
  const checked = new Set<string>()
  for (let from = 0; from < customerIds.length; from += chunkSize) {
    const ids = customerIds.slice(from, from + chunkSize)
    const composed = composeCustomerQuery({ scope: run.scope, customer: run.customer, aggregates: run.aggregates, customerIds: ids, limits: run.limits })
    const all = { ...run.params, ...composed.params }
    // Full chunks are one text with other bound values (strings, which cannot change what a
    // name resolves to: Identifier parameters are refused), so each text is checked once a run.
    if (!checked.has(composed.body)) await checkComposedQuery({ handle: run.handle, composed, params: all, limits: run.limits, storedTables: run.storedTables })
    checked.add(composed.body)
    const result = await executeSandboxed(run.handle, composed.sql, all)
    count(run.stats, result)
    const shape = customerColumns(run, result.meta)
    columns = shape.columns
    // Rows by the index Tally gave each copy (reservedColumnProblem proved the column is Tally's).
    const rowsOf: Array<Array<Record<string, unknown>>> = ids.map(() => [])
    for (const row of result.data) rowsOf[Number(row[CUSTOMER_INDEX_COLUMN])]!.push(cleanRow(row, shape.columns, shape.quantity))
    ids.forEach((id, i) => out.push(customerQuantity(id, rowsOf[i]!)))
  }
  return { customers: out, columns }
}
