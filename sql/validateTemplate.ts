// Validation of a metric version, cheapest and most local check first, and nothing executed
// until every check has passed:
//   1. text: one SELECT, balanced parentheses, known parameters, declared raw metrics (lexer);
//   2. node-sql-parser, where it can parse: statement types and table list;
//   3. ClickHouse `EXPLAIN AST` with parameters bound: syntax (with line and column), then
//      the tree: only raw.<declared>, aggregates and the template's own CTEs are read, no
//      table functions, no dictionaries, no forbidden functions, no SETTINGS/FORMAT/OUTFILE;
//   4. the template's CTE names do not shadow a table of the database;
//   5. only then the shape: the composed customer query with LIMIT 0 must return `quantity`
//      as an integer or Decimal, plus the declared dimension columns.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { EXPLAIN_FORMAT, explainAst, inspectAst } from './clickHouseAst.ts'
import { composeCustomerQuery, type Scope } from './composeQuery.ts'
import { genericParserIssues } from './genericParserCheck.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import { bindParameters } from './parameters.ts'
import { checkComposedQuery, executeSandboxed, storedTableNames } from './runSandboxed.ts'
import { DEFAULT_LIMITS, toSandboxError, type SandboxLimits } from './sandbox.ts'
import { quantityColumnProblem } from './resultShape.ts'
import { AGGREGATES_TABLE, scanTemplate, type QueryRole, type ScannedTemplate, type TemplateIssue } from './templateScan.ts'
import { TallyError } from '../platform/errors.ts'

export interface ValidationOutcome {
  valid: boolean
  issues: TemplateIssue[]
  /** Scanned templates, present when `valid`. */
  aggregate: ScannedTemplate | null
  customer: ScannedTemplate | null
  /** Result columns of the customer query (name and ClickHouse type), present when `valid`. */
  columns: Array<{ name: string; type: string }>
}

/** Parameter values used only to parse and type-check: any valid value of each type works. */
const SAMPLE_PERIOD = { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2000-02-01T00:00:00Z') }

/** Static checks of one template: steps 1–3. */
export async function checkTemplate(opts: {
  handle: ClickHouseHandle
  role: QueryRole
  text: string
  version: ResolvedMetricVersion
  hasAggregates: boolean
}): Promise<ScannedTemplate> {
  const { version, role } = opts
  const declared = new Map(version.parameters.map((p) => [p.name, p.type]))
  const scanned = scanTemplate({ role, text: opts.text, rawMetrics: version.rawMetrics, declaredParameters: declared })
  if (scanned.issues.length > 0) return scanned
  const allowed = new Set([...version.rawMetrics.map((m) => `raw.${m}`), ...scanned.cteNames, ...(opts.hasAggregates ? [AGGREGATES_TABLE] : [])])
  const generic = genericParserIssues({ role, text: opts.text, allowedTables: allowed })
  if (generic.length > 0) return { ...scanned, issues: generic }
  const params = bindParameters({ customerId: '', period: SAMPLE_PERIOD, declared: version.parameters })
  const parsed = await explainAst(opts.handle, opts.text, params)
  if (!parsed.ok) {
    const { ok: _ok, ...rest } = parsed
    return { ...scanned, issues: [{ query: role, ...rest }] }
  }
  const violations = inspectAst(parsed.root, { allowedTables: allowed, topLevelSettings: 0, clientFormat: EXPLAIN_FORMAT })
  return { ...scanned, issues: violations.map((v) => ({ query: role, ...v })) }
}

export async function validateMetricVersion(opts: {
  handle: ClickHouseHandle
  orgId: string
  version: ResolvedMetricVersion
  limits?: SandboxLimits
}): Promise<ValidationOutcome> {
  const { handle, version } = opts
  const limits = opts.limits ?? DEFAULT_LIMITS
  const failed = (issues: TemplateIssue[]): ValidationOutcome => ({ valid: false, issues, aggregate: null, customer: null, columns: [] })
  const aggregate =
    version.aggregateQuery === null ? null : await checkTemplate({ handle, role: 'aggregate_query', text: version.aggregateQuery, version, hasAggregates: false })
  const customer = await checkTemplate({ handle, role: 'customer_query', text: version.customerQuery, version, hasAggregates: aggregate !== null })
  const issues = [...(aggregate?.issues ?? []), ...customer.issues]
  if (issues.length > 0) return failed(issues)

  const tables = await storedTableNames(handle)
  for (const scanned of [aggregate, customer]) {
    for (const name of scanned?.cteNames ?? []) {
      if (tables.has(name)) issues.push({ query: scanned!.role, code: 'cte_name_reserved', message: `CTE ${name} has the name of a stored table; pick another name` })
    }
  }
  if (issues.length > 0) return failed(issues)

  // Step 5: the result's shape, from the composed query itself (so the composition is checked too).
  const scope: Scope = { orgId: opts.orgId, rawMetrics: version.rawMetrics }
  const composed = composeCustomerQuery({
    scope,
    customer,
    aggregates: aggregate === null ? { kind: 'none' } : { kind: 'inline', aggregate },
    customerIds: [''],
    limits,
    shapeOnly: true,
  })
  const params = { ...bindParameters({ customerId: '', period: SAMPLE_PERIOD, declared: version.parameters }), ...composed.params }
  try {
    await checkComposedQuery(handle, composed, params, [...(aggregate?.cteNames ?? []), ...customer.cteNames])
    const result = await executeSandboxed(handle, composed.sql, params)
    const columns = result.meta.filter((c) => !c.name.startsWith('__tally'))
    const problem = quantityColumnProblem(columns, version.dimensions)
    if (problem !== null) return failed([{ query: 'customer_query', ...problem }])
    return { valid: true, issues: [], aggregate, customer, columns }
  } catch (err) {
    const mapped = toSandboxError(err, limits)
    if (mapped instanceof TallyError) return failed([{ query: 'customer_query', code: mapped.code, message: mapped.message }])
    throw mapped
  }
}
