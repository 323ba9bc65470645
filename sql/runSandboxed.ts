// The last walls before a composed query runs, and the run itself. The composed body is
// parsed by ClickHouse as a whole (parse-only: `events` appears only as often as Tally put it
// there, no table function, no SETTINGS of its own), then analysed (`EXPLAIN QUERY TREE`,
// queryTree.ts): every table it reads, as resolved by the analyser, is `events` inside Tally's
// scope CTEs or the scratch table inside Tally's aggregates CTE. What runs is exactly that
// body plus Tally's SETTINGS clause (readonly=1 and the limits); so do both EXPLAINs.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { countTableReads, explainAst, inspectAst } from './clickHouseAst.ts'
import type { ComposedQuery } from './composeQuery.ts'
import { explainQueryTree, inspectQueryTree, type TreeNode } from './queryTree.ts'
import type { SandboxLimits } from './sandbox.ts'

export interface SandboxResult {
  meta: Array<{ name: string; type: string }>
  data: Array<Record<string, unknown>>
  rowsRead: number
  bytesRead: number
  /** The engine's own elapsed time, milliseconds. */
  engineMs: number
}

/** Names of the tables in Tally's ClickHouse database: a template may not name one. */
export async function storedTableNames(handle: ClickHouseHandle): Promise<Set<string>> {
  const rs = await handle.client.query({
    query: 'SELECT name FROM system.tables WHERE database = {db:String}',
    query_params: { db: handle.database },
    format: 'JSONEachRow',
  })
  return new Set((await rs.json<{ name: string }>()).map((r) => r.name))
}

function refuse(violations: Array<{ code: string; message: string }>): never {
  const first = violations[0]!
  throw new UnprocessableError(first.code, `The query was refused: ${violations.map((v) => `${v.code}: ${v.message}`).join('; ')}`, [], { violations })
}

/**
 * Throws UnprocessableError (the first violation's code) unless the composed query is what Tally
 * built; returns the analysed tree (groupedTemplate.ts reads the template's shape from it).
 */
export async function checkComposedQuery(opts: {
  handle: ClickHouseHandle
  composed: ComposedQuery
  params: Record<string, unknown>
  limits: SandboxLimits
  storedTables: ReadonlySet<string>
}): Promise<TreeNode> {
  const { handle, composed, params, limits } = opts
  if (!composed.sql.startsWith(composed.body)) throw new UnprocessableError('composition_rejected', 'the query to run is not the checked body')
  const parsed = await explainAst(handle, composed.body, params, limits)
  if (!parsed.ok) throw new UnprocessableError('composition_rejected', `The composed query does not parse: ${parsed.message}`)
  const violations = inspectAst(parsed.root, { allowedTables: new Set(composed.tables), storedTables: opts.storedTables })
  const reads = countTableReads(parsed.root, 'events')
  if (reads !== composed.eventsReads) violations.push({ code: 'table_not_allowed', message: `events is read ${reads} times, expected ${composed.eventsReads}` })
  if (violations.length > 0) refuse(violations)
  const tree = await explainQueryTree(handle, composed.body, params, limits)
  const resolved = inspectQueryTree(tree, { database: handle.database, scopeCtes: new Set(composed.scopeCtes), scratch: composed.scratch })
  if (resolved.length > 0) refuse(resolved)
  return tree
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
