// One template from the user's text to the text Tally composes, every wall in order and
// nothing analysed or run on the way (the only statements are formatQuery and EXPLAIN AST,
// both parse-only, both under readonly and limits):
//   1. the user's text: textWalls.ts (no `;`, ASCII outside strings and comments, no
//      `__tally` names), one SELECT, known parameters, declared raw metrics (templateScan.ts);
//   2. node-sql-parser's opinion where it can parse (genericParserCheck.ts);
//   3. ClickHouse's re-serialisation of it, the bound parameter of formatQuery
//      (canonicalQuery.ts): the text that is composed and run from here on;
//   4. the same text checks on that re-serialisation;
//   5. its tree (EXPLAIN AST): SELECT only, tables it names, functions it calls (clickHouseAst.ts).
// The analysed check of the whole composition follows in runSandboxed.ts.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { explainAst, inspectAst } from './clickHouseAst.ts'
import { canonicalQuery } from './canonicalQuery.ts'
import { genericParserIssues } from './genericParserCheck.ts'
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import type { SandboxLimits } from './sandbox.ts'
import { AGGREGATES_TABLE, scanTemplate, type QueryRole, type ScannedTemplate, type TemplateIssue } from './templateScan.ts'
import { locateName, userFacing } from './userFacingError.ts'

export interface PreparedTemplate {
  /** The user's text, scanned: positions for messages. */
  user: ScannedTemplate
  /** ClickHouse's re-serialisation, scanned: what is composed and run. */
  canonical: ScannedTemplate
}

export type PrepareOutcome = { ok: true; template: PreparedTemplate } | { ok: false; issues: TemplateIssue[] }

export async function prepareTemplate(opts: {
  handle: ClickHouseHandle
  role: QueryRole
  text: string
  version: ResolvedMetricVersion
  /** The customer query reads `aggregates` when the version has an aggregate query. */
  hasAggregates: boolean
  /** Values for the template's parameters: EXPLAIN AST binds them. */
  params: Record<string, unknown>
  storedTables: ReadonlySet<string>
  limits: SandboxLimits
}): Promise<PrepareOutcome> {
  const { version, role } = opts
  const declared = new Map(version.parameters.map((p) => [p.name, p.type]))
  const scan = (text: string) => scanTemplate({ role, text, rawMetrics: version.rawMetrics, declaredParameters: declared })
  const user = scan(opts.text)
  if (user.issues.length > 0) return { ok: false, issues: user.issues }
  const shadowing = user.cteNames.filter((n) => opts.storedTables.has(n))
  if (shadowing.length > 0) {
    return {
      ok: false,
      issues: shadowing.map((n) => ({
        query: role,
        code: 'cte_name_reserved',
        message: `CTE ${n} has the name of a stored table; pick another name`,
        ...locateName(user, n),
      })),
    }
  }
  // The template's own CTE names are not in the list: EXPLAIN AST cannot tell a CTE from a
  // table of the same name, so a name is let through by its form instead (clickHouseAst.ts).
  const allowed = new Set([...version.rawMetrics.flatMap((m) => [`raw.${m}`, `history.${m}`]), ...(opts.hasAggregates ? [AGGREGATES_TABLE] : [])])
  const plainCtes = user.cteNames.filter((n) => !n.includes('.'))
  const generic = genericParserIssues({ role, text: opts.text, allowedTables: new Set([...allowed, ...plainCtes]) })
  if (generic.length > 0) return { ok: false, issues: generic }

  const formatted = await canonicalQuery(opts.handle, opts.text, opts.limits)
  if (!formatted.ok) {
    const { ok: _ok, ...rest } = formatted
    return { ok: false, issues: [{ query: role, ...rest }] }
  }
  const canonical = scan(formatted.text)
  if (canonical.issues.length > 0) {
    // Positions in the re-serialisation would point nowhere in the user's text.
    return {
      ok: false,
      issues: canonical.issues.map(({ line: _l, column: _c, ...i }) => ({ ...i, message: `${i.message} (in ClickHouse's reading of the query)` })),
    }
  }
  const parsed = await explainAst(opts.handle, canonical.text, opts.params, opts.limits)
  if (!parsed.ok) return { ok: false, issues: [{ query: role, code: parsed.code, ...userFacing(parsed.message, user) }] }
  const violations = inspectAst(parsed.root, { allowedTables: allowed, storedTables: opts.storedTables })
  if (violations.length > 0) {
    return {
      ok: false,
      issues: violations.map(({ name, ...v }) => ({ query: role, ...v, ...(name === undefined ? {} : locateName(user, name)) })),
    }
  }
  return { ok: true, template: { user, canonical } }
}
