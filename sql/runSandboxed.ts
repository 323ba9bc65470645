// The last wall before a composed query runs, and the run itself. The composed body is parsed
// again by ClickHouse as a whole: it may read `events` only as often as Tally put it there,
// otherwise only its own CTEs and scratch table, and it holds no SETTINGS at all. What runs
// is that body plus Tally's SETTINGS clause (readonly=1 and the limits).
// NOTE: the body is parsed without the clause because EXPLAIN obeys it too: max_result_rows = 5
// would refuse a 65-line AST dump.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { countTableReads, EXPLAIN_FORMAT, explainAst, inspectAst } from './clickHouseAst.ts'
import type { ComposedQuery } from './composeQuery.ts'
import { significant, tokenize } from './lexer.ts'

export interface SandboxResult {
  meta: Array<{ name: string; type: string }>
  data: Array<Record<string, unknown>>
  rowsRead: number
  bytesRead: number
  /** The engine's own elapsed time, milliseconds. */
  engineMs: number
}

/** Names of the tables in Tally's ClickHouse database: a template's CTE must not be named like one. */
export async function storedTableNames(handle: ClickHouseHandle): Promise<Set<string>> {
  const rs = await handle.client.query({
    query: 'SELECT name FROM system.tables WHERE database = {db:String}',
    query_params: { db: handle.database },
    format: 'JSONEachRow',
  })
  return new Set((await rs.json<{ name: string }>()).map((r) => r.name))
}

/**
 * Refuses template CTE names that are also stored tables. Checked at validation and again at
 * every run: a CTE referenced outside its scope resolves to the table of that name, and a
 * later migration may add one.
 */
export async function assertCtesShadowNothing(handle: ClickHouseHandle, templateCtes: readonly string[]): Promise<void> {
  if (templateCtes.length === 0) return
  const tables = await storedTableNames(handle)
  const clash = templateCtes.filter((n) => tables.has(n))
  if (clash.length > 0) throw new UnprocessableError('cte_name_reserved', `CTE name(s) ${clash.join(', ')} are names of stored tables; rename them in the template`)
}

/** Throws UnprocessableError `composition_rejected` when the composed query is not what Tally built. */
export async function checkComposedQuery(
  handle: ClickHouseHandle,
  composed: ComposedQuery,
  params: Record<string, unknown>,
  templateCtes: readonly string[],
): Promise<void> {
  assertSingleStatement(composed.sql)
  if (!composed.sql.startsWith(composed.body)) throw new UnprocessableError('composition_rejected', 'the query to run is not the checked body')
  const parsed = await explainAst(handle, composed.body, params)
  if (!parsed.ok) throw new UnprocessableError('composition_rejected', `The composed query does not parse: ${parsed.message}`)
  const allowed = new Set(['events', ...composed.tables, ...templateCtes])
  const violations = inspectAst(parsed.root, { allowedTables: allowed, topLevelSettings: 0, clientFormat: EXPLAIN_FORMAT })
  const reads = countTableReads(parsed.root, 'events')
  if (reads !== composed.eventsReads) violations.push({ code: 'table_not_allowed', message: `events is read ${reads} times, expected ${composed.eventsReads}` })
  if (violations.length > 0) {
    throw new UnprocessableError('composition_rejected', `The composed query was refused: ${violations.map((v) => `${v.code}: ${v.message}`).join('; ')}`, [], {
      violations,
    })
  }
}

/** NOTE: chDB runs every statement of a text; a composed query must be exactly one. */
export function assertSingleStatement(sql: string): void {
  const separators = significant(tokenize(sql)).filter((t) => t.kind === 'punct' && t.text === ';')
  if (separators.length > 0) throw new UnprocessableError('multiple_statements', 'a composed query holds more than one statement')
}

/** Runs a checked query; `JSON` output carries the column types and the engine's read statistics. */
export async function executeSandboxed(handle: ClickHouseHandle, sql: string, params: Record<string, unknown>): Promise<SandboxResult> {
  // A failed run cannot leave output behind for the next query: platform/clickhouse's
  // serialChdbConnection drains it before any other statement runs.
  const rs = await handle.client.query({ query: sql, query_params: params, format: 'JSON' })
  const body: unknown = await rs.json<unknown>()
  const raw = body as {
    meta: Array<{ name: string; type: string }>
    data: Array<Record<string, unknown>>
    statistics?: { elapsed?: number; rows_read?: number; bytes_read?: number }
  }
  return {
    meta: raw.meta,
    data: raw.data,
    rowsRead: raw.statistics?.rows_read ?? 0,
    bytesRead: raw.statistics?.bytes_read ?? 0,
    engineMs: (raw.statistics?.elapsed ?? 0) * 1000,
  }
}

