// The grouped form of a metric run (groupedTemplate.ts): one statement per chunk of customers
// (the list is one bound Array(String), so every chunk runs the same checked text), each row
// naming its customer. Customers without rows are answered as the per-customer form would
// answer them. A chunk the grouped form cannot run (an engine error, a limit: a function that
// wanted `{customer_id}` to be a constant, more rows than one statement may return) runs in the
// per-customer form instead, which gives the template's own answer or its own error.
import { TallyError } from '../platform/errors.ts'
import { composeGroupedQuery, CUSTOMER_INDEX_COLUMN } from './composeQuery.ts'
import {
  checkedSingleCustomer,
  cleanRow,
  count,
  customerColumns,
  customerQuantity,
  runCustomerBatches,
  type CustomerQuantity,
  type CustomerRows,
  type MetricRun,
} from './customerBatches.ts'
import { groupedTemplate, type GroupedPlan } from './groupedTemplate.ts'
import type { ColumnMeta } from './resultShape.ts'
import { checkComposedQuery, executeSandboxed } from './runSandboxed.ts'
import { scopedRawName } from './templateScan.ts'

/** The grouped plan of the run's customer query, decided on its analysed per-customer form. */
export async function groupedPlanOf(run: MetricRun, anyCustomer: string): Promise<GroupedPlan> {
  const tree = await checkedSingleCustomer(run, anyCustomer)
  const sources = new Set(run.customer.rawReferences.map((r) => scopedRawName(r.metric, r.source)))
  if (run.aggregates.kind === 'table' && run.aggregates.byCustomer) sources.add('aggregates')
  return groupedTemplate(run.customer, tree, sources)
}

export async function runGrouped(
  run: MetricRun,
  plan: Extract<GroupedPlan, { ok: true }>,
  customerIds: readonly string[],
  opts: { chunkSize: number; fallbackChunkSize: number },
): Promise<CustomerRows> {
  const rowsOf = new Map<string, Array<Record<string, unknown>>>()
  const fallback: string[] = []
  let columns: ColumnMeta[] | null = null
  let checkedBody: string | null = null
  for (let from = 0; from < customerIds.length; from += opts.chunkSize) {
    const ids = customerIds.slice(from, from + opts.chunkSize)
    try {
      const composed = composeGroupedQuery({
        scope: run.scope,
        customer: run.customer,
        edits: plan.edits,
        aggregates: run.aggregates.kind === 'table' ? { kind: 'table', table: run.aggregates.table } : { kind: 'none' },
        customerIds: ids,
        limits: run.limits,
      })
      const all = { ...run.params, ...composed.params }
      if (composed.body !== checkedBody) {
        await checkComposedQuery({ handle: run.handle, composed, params: all, limits: run.limits, storedTables: run.storedTables })
        checkedBody = composed.body
      }
      const result = await executeSandboxed(run.handle, composed.sql, all)
      count(run.stats, result)
      const shape = customerColumns(run, result.meta)
      columns = shape.columns
      for (const row of result.data) {
        const id = String(row[CUSTOMER_INDEX_COLUMN])
        const rows = rowsOf.get(id) ?? []
        rows.push(cleanRow(row, shape.columns, shape.quantity))
        rowsOf.set(id, rows)
      }
    } catch (err) {
      if (!(err instanceof TallyError) && (err as { code?: unknown }).code === undefined) throw err
      fallback.push(...ids)
    }
  }
  const fellBack = new Set(fallback)
  const absent = customerIds.filter((id) => !rowsOf.has(id) && !fellBack.has(id))
  const answered = new Map<string, CustomerQuantity>()
  const perCustomer = [...fallback, ...absent.slice(0, plan.scalar ? 1 : 0)]
  if (perCustomer.length > 0) {
    const batches = await runCustomerBatches(run, perCustomer, opts.fallbackChunkSize)
    columns ??= batches.columns
    for (const c of batches.customers) answered.set(c.customerId, c)
  }
  // Without rows and without a GROUP BY, every customer gets the row the first one got.
  const empty = plan.scalar ? answered.get(absent[0] ?? '') : undefined
  const customers = customerIds.map(
    (id) => answered.get(id) ?? (rowsOf.has(id) ? customerQuantity(id, rowsOf.get(id)!) : customerQuantity(id, empty === undefined ? [] : empty.rows)),
  )
  return { customers, columns: columns ?? [] }
}
