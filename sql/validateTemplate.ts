// Validation of a metric version, cheapest and most local check first, and nothing of the
// user's text analysed or run until every parse-only check has passed:
//   1. parameter defaults are values of their types (parameterValues.ts);
//   2. each template through prepareTemplate.ts: text walls, node-sql-parser, ClickHouse's
//      re-serialisation (formatQuery), the same walls on it, its tree (EXPLAIN AST);
//   3. the composition as analysed (runSandboxed.ts: EXPLAIN AST, then EXPLAIN QUERY TREE);
//   4. only then the shape: the composed customer query with LIMIT 0 must return `quantity`
//      as an integer or Decimal, plus the declared dimension columns, and nothing named `__tally…`.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { TallyError } from '../platform/errors.ts'
import { composeAggregateQuery, composeCustomerQuery, CUSTOMER_INDEX_COLUMN, customerFieldOf, type Scope } from './composeQuery.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import { checkParameterValues } from './parameterValues.ts'
import { bindParameters } from './parameters.ts'
import { prepareTemplate, type PreparedTemplate } from './prepareTemplate.ts'
import { quantityColumnProblem, reservedColumnProblem } from './resultShape.ts'
import { checkComposedQuery, executeSandboxed, storedTableNames } from './runSandboxed.ts'
import { DEFAULT_LIMITS, toSandboxError, type SandboxLimits } from './sandbox.ts'
import type { QueryRole, ScannedTemplate, TemplateIssue } from './templateScan.ts'

export interface ValidationOutcome {
  valid: boolean
  issues: TemplateIssue[]
  /** ClickHouse's re-serialisation of each template, scanned; present when `valid`. */
  aggregate: ScannedTemplate | null
  customer: ScannedTemplate | null
  /** Result columns of the customer query (name and ClickHouse type), present when `valid`. */
  columns: Array<{ name: string; type: string }>
}

/** Parameter values used only to parse and type-check: any valid value of each type works. */
const SAMPLE_PERIOD = { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2000-02-01T00:00:00Z') }

export async function validateMetricVersion(opts: {
  handle: ClickHouseHandle
  orgId: string
  version: ResolvedMetricVersion
  limits?: SandboxLimits
}): Promise<ValidationOutcome> {
  const { handle, version } = opts
  const limits = opts.limits ?? DEFAULT_LIMITS
  const failed = (issues: TemplateIssue[]): ValidationOutcome => ({ valid: false, issues, aggregate: null, customer: null, columns: [] })
  const params = bindParameters({ customerId: '', period: SAMPLE_PERIOD, declared: version.parameters })
  try {
    await checkParameterValues({ handle, declared: version.parameters, values: params, limits })
  } catch (err) {
    if (err instanceof TallyError) return failed([{ query: 'customer_query', code: err.code, message: err.message }])
    throw err
  }
  const storedTables = await storedTableNames(handle)
  const prepare = (role: QueryRole, text: string, hasAggregates: boolean) =>
    prepareTemplate({ handle, role, text, version, hasAggregates, params, storedTables, limits })
  const aggregate = version.aggregateQuery === null ? null : await prepare('aggregate_query', version.aggregateQuery, false)
  const customer = await prepare('customer_query', version.customerQuery, aggregate !== null)
  const issues = [...(aggregate?.ok === false ? aggregate.issues : []), ...(customer.ok ? [] : customer.issues)]
  if (issues.length > 0 || !customer.ok || aggregate?.ok === false) return failed(issues)
  const agg: PreparedTemplate | null = aggregate?.ok === true ? aggregate.template : null

  const scope: Scope = { orgId: opts.orgId, rawMetrics: version.rawMetrics, period: SAMPLE_PERIOD, customerField: customerFieldOf(version.builder) }
  let role: QueryRole = 'customer_query'
  try {
    if (agg !== null) {
      // The aggregate query's own columns: its rows become the customer query's `aggregates`.
      role = 'aggregate_query'
      const composed = composeAggregateQuery({ scope, aggregate: agg.canonical, limits, shapeOnly: true })
      const all = { ...params, ...composed.params }
      await checkComposedQuery({ handle, composed, params: all, limits, storedTables })
      const problem = reservedColumnProblem((await executeSandboxed(handle, composed.sql, all)).meta, [])
      if (problem !== null) return failed([{ query: role, ...problem }])
      role = 'customer_query'
    }
    const composed = composeCustomerQuery({
      scope,
      customer: customer.template.canonical,
      aggregates: agg === null ? { kind: 'none' } : { kind: 'inline', aggregate: agg.canonical },
      customerIds: [''],
      limits,
      shapeOnly: true,
    })
    const all = { ...params, ...composed.params }
    await checkComposedQuery({ handle, composed, params: all, limits, storedTables })
    const result = await executeSandboxed(handle, composed.sql, all)
    const reserved = reservedColumnProblem(result.meta, [CUSTOMER_INDEX_COLUMN])
    if (reserved !== null) return failed([{ query: role, ...reserved }])
    const columns = result.meta.slice(1)
    const problem = quantityColumnProblem(columns, version.dimensions)
    if (problem !== null) return failed([{ query: role, ...problem }])
    return { valid: true, issues: [], aggregate: agg?.canonical ?? null, customer: customer.template.canonical, columns }
  } catch (err) {
    const user = role === 'aggregate_query' ? agg?.user : customer.template.user
    const mapped = toSandboxError(err, limits, user)
    if (mapped instanceof TallyError) {
      const { line, column } = mapped.extra as { line?: number; column?: number }
      return failed([{ query: role, code: mapped.code, message: mapped.message, ...(line === undefined ? {} : { line, column }) }])
    }
    throw mapped
  }
}
