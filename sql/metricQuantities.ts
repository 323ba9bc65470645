// Run (side effects): a metric version's quantities for a set of customers and one period.
// The rating job's one call, and what preview uses.
//
//   1. aggregate query (if any): ONE sandboxed run for all customers of the period; its rows
//      go into a scratch table `__tally_agg_<random>` (aggregateScratch.ts), dropped afterwards;
//   2. customer query, in one of two forms:
//      grouped       one statement per chunk of up to 5,000 customers, the template grouped by
//                    customer (groupedTemplate.ts, groupedRun.ts), where its analysed shape allows;
//      per customer  chunks of `chunkSize` customers, each chunk one statement with one copy of
//                    the template per customer (UNION ALL, customerBatches.ts), for every other
//                    template (windows, subqueries, joins, CTEs, …).
//      Both read `aggregates` from the scratch table.
// A builder metric the rollups hold exactly (rollupQuantities.ts) reads usage_hour / usage_minute
// instead, one statement, no template run.
// A stored template is prepared again on every run, exactly as at validation (prepareTemplate.ts:
// the rules or the tables may have changed since), and every statement is checked again as a
// whole, parsed and analysed, before it runs (runSandboxed.ts). Exact under duplicate events
// because `events` holds one row per (org_id, event_id) (metering invariant 2).
import { randomBytes } from 'node:crypto'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { materialize } from './aggregateScratch.ts'
import { composeAggregateQuery, customerFieldOf, type AggregatesSource, type Scope } from './composeQuery.ts'
import { count, runCustomerBatches, type CustomerQuantity, type CustomerRows, type MetricRun, type RunStats } from './customerBatches.ts'
import { groupedPlanOf, runGrouped } from './groupedRun.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import { checkParameterValues } from './parameterValues.ts'
import { bindParameters, type Period } from './parameters.ts'
import { prepareTemplate, type PreparedTemplate } from './prepareTemplate.ts'
import { reservedColumnProblem, type ColumnMeta } from './resultShape.ts'
import { rollupPlan, rollupQuantities } from './rollupQuantities.ts'
import { checkComposedQuery, executeSandboxed, storedTableNames } from './runSandboxed.ts'
import { DEFAULT_LIMITS, toSandboxError, type SandboxLimits } from './sandbox.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

export type { CustomerQuantity, RunStats } from './customerBatches.ts'

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
  /** Customers per customer-query statement in the per-customer form (default 100). */
  chunkSize?: number
  /** Customers per statement in the grouped form (default GROUPED_CHUNK). */
  groupedChunkSize?: number
  /** `per_customer` runs a copy of the template per customer even where it could be grouped (the equivalence tests). */
  form?: 'auto' | 'per_customer'
  /** `events` runs the SQL even where the rollups could answer (rollupQuantities.ts; the recount tests). */
  source?: 'auto' | 'events'
}

/**
 * Customers per grouped statement: the list is one bound array (~20 bytes an id, so ~100 KB in
 * the URL of a server's HTTP request), and the result, held in memory, is a row per customer and
 * dimension combination, well under the sandbox's max_result_rows for sane dimension counts.
 */
const GROUPED_CHUNK = 5_000

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
  const { handle, version } = input
  const rollups = input.source === 'events' ? null : rollupPlan(version, input.period)
  if (rollups !== null && !('reason' in rollups))
    return rollupQuantities({ handle, orgId: input.orgId, plan: rollups, customerIds: input.customerIds, period: input.period })
  const scope: Scope = { orgId: input.orgId, rawMetrics: version.rawMetrics, period: input.period, customerField: customerFieldOf(version.builder) }
  const params = bindParameters({ customerId: '', period: input.period, declared: version.parameters, overrides: input.parameterOverrides })
  await checkParameterValues({ handle, declared: version.parameters, values: params, limits })
  const storedTables = await storedTableNames(handle)
  const common = { handle, version, params, storedTables, limits }
  const aggregate = version.aggregateQuery === null ? null : await prepareOrThrow({ ...common, role: 'aggregate_query', text: version.aggregateQuery })
  const customer = await prepareOrThrow({ ...common, role: 'customer_query', text: version.customerQuery, hasAggregates: aggregate !== null })
  const stats: RunStats = { queries: 0, rowsRead: 0, bytesRead: 0, elapsedMs: 0, form: 'per_customer' }
  if (rollups !== null && version.mode === 'builder') stats.notFromRollups = rollups.reason
  let scratch: string | null = null
  let user = aggregate?.user ?? customer.user
  try {
    let aggregates: AggregatesSource = { kind: 'none' }
    if (aggregate !== null) {
      const composed = composeAggregateQuery({ scope, aggregate: aggregate.canonical, limits })
      const all = { ...params, ...composed.params }
      await checkComposedQuery({ handle, composed, params: all, limits, storedTables })
      const result = await executeSandboxed(handle, composed.sql, all)
      count(stats, result)
      const reserved = reservedColumnProblem(result.meta, [])
      if (reserved !== null) throw new UnprocessableError(reserved.code, reserved.message)
      scratch = `${RESERVED_PREFIX}_agg_${randomBytes(8).toString('hex')}`
      aggregates = { kind: 'table', table: scratch, byCustomer: await materialize(handle, scratch, result.meta, result.data, limits) }
    }
    user = customer.user
    const run: MetricRun = { handle, scope, customer: customer.canonical, aggregates, params, dimensions: version.dimensions, limits, storedTables, stats }
    const result = await runCustomers(run, input)
    stats.elapsedMs = performance.now() - started
    return { ...result, stats }
  } catch (err) {
    throw toSandboxError(err, limits, user)
  } finally {
    if (scratch !== null) await handle.client.command({ query: `DROP TABLE IF EXISTS ${scratch} SYNC` }).catch(() => undefined)
  }
}

/** The grouped form where the template allows it (groupedTemplate.ts), else a copy per customer. */
async function runCustomers(run: MetricRun, input: MetricQuantitiesInput): Promise<CustomerRows> {
  const chunkSize = input.chunkSize ?? 100
  const first = input.customerIds[0]
  if (first === undefined) return { customers: [], columns: [] }
  const plan = input.form === 'per_customer' ? ({ ok: false, reason: 'asked for' } as const) : await groupedPlanOf(run, first)
  if (!plan.ok) {
    run.stats.notGrouped = plan.reason
    return runCustomerBatches(run, input.customerIds, chunkSize)
  }
  run.stats.form = 'grouped'
  return runGrouped(run, plan, input.customerIds, { chunkSize: input.groupedChunkSize ?? GROUPED_CHUNK, fallbackChunkSize: chunkSize })
}
