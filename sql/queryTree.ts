// The analysed query: what every name of a composed statement resolves to, decided by
// ClickHouse's analyser (`EXPLAIN QUERY TREE`), not by reading text. A use of a CTE appears as
// `QUERY …, is_cte: 1, cte_name: <name>` holding the CTE's body, a real table as
// `TABLE …, table_name: <db>.<table>` (verified on chDB 26.7), so a CTE named `tally.events`
// and the table tally.events can no longer be mistaken for each other.
//
// NOTE: analysis evaluates constant scalar subqueries (`SELECT (SELECT count() FROM t)`), so it
// runs only after the parse-only checks (clickHouseAst.ts) passed, under readonly and limits.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { forbiddenFunction } from './forbiddenFunctions.ts'
import { checkSettings, type SandboxLimits } from './sandbox.ts'

export interface TreeNode {
  /** `QUERY`, `UNION`, `TABLE`, `TABLE_FUNCTION`, `FUNCTION`, … or a section (`JOIN TREE`, `WHERE`, …). */
  kind: string
  /** `key: value` pairs of a node line (`table_name`, `cte_name`, `function_name`, …). */
  attrs: Record<string, string>
  children: TreeNode[]
}

/** The query tree of `body` (no SETTINGS of its own; Tally's are appended). */
export async function explainQueryTree(handle: ClickHouseHandle, body: string, params: Record<string, unknown>, limits: SandboxLimits): Promise<TreeNode> {
  const rs = await handle.client.query({
    query: `EXPLAIN QUERY TREE\n${body}\nSETTINGS ${checkSettings(limits)}`,
    query_params: params,
    format: 'TabSeparatedRaw',
  })
  // NOTE: chDB quotes each line of the dump (see clickHouseAst.ts).
  const lines = (await rs.text()).split('\n').map((l) => (l.length >= 2 && l.startsWith('"') && l.endsWith('"') ? l.slice(1, -1) : l))
  return parseTreeDump(lines)
}

const NODE_LINE = /^([A-Z_]+) id: \d+(.*)$/

export function parseTreeDump(lines: readonly string[]): TreeNode {
  const root: TreeNode = { kind: '#root', attrs: {}, children: [] }
  const stack: Array<{ depth: number; node: TreeNode }> = [{ depth: -1, node: root }]
  for (const raw of lines) {
    if (raw.trim() === '') continue
    const depth = raw.length - raw.trimStart().length
    const text = raw.trim()
    const m = NODE_LINE.exec(text)
    const node: TreeNode = m === null ? { kind: text, attrs: {}, children: [] } : { kind: m[1]!, attrs: attributes(m[2]!), children: [] }
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop()
    stack[stack.length - 1]!.node.children.push(node)
    stack.push({ depth, node })
  }
  return root
}

/** `, alias: __table1, table_name: tally.events` → { alias, table_name }. Values never hold `, ` here but constants may; those are not read. */
function attributes(rest: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of rest.split(', ')) {
    const colon = part.indexOf(': ')
    if (colon > 0) out[part.slice(0, colon).replace(/^,\s*/, '')] ??= part.slice(colon + 2)
  }
  return out
}

export interface TreePolicy {
  database: string
  /** Tally's scope CTEs: the only places `events` may be read, directly in their FROM. */
  scopeCtes: ReadonlySet<string>
  /** The CTE that reads the scratch table, and the scratch table; absent when there is none. */
  scratch?: { cte: string; table: string }
}

export interface TreeViolation {
  code: string
  message: string
}

/**
 * Every table the analysed query reads must be `events` directly inside one of Tally's scope
 * CTEs, the scratch table directly inside Tally's aggregates CTE, or system.one (the implicit
 * FROM of `SELECT 1`). No table function, and no
 * function of the deny list, wherever the analyser put it (constants keep their expression).
 */
export function inspectQueryTree(root: TreeNode, policy: TreePolicy): TreeViolation[] {
  const out: TreeViolation[] = []
  const visit = (node: TreeNode, query: TreeNode | null) => {
    if (node.kind === 'TABLE') checkTable(node.attrs.table_name ?? '', query?.attrs.cte_name, policy, out)
    else if (node.kind === 'TABLE_FUNCTION') {
      out.push({ code: 'table_function_forbidden', message: `table function ${node.attrs.table_function_name ?? ''}() is not allowed` })
    } else if (node.kind === 'FUNCTION') {
      const name = node.attrs.function_name ?? ''
      const reason = forbiddenFunction(name)
      if (reason !== null) out.push({ code: reason, message: `${name}() is not allowed in a template` })
    }
    const owner = node.kind === 'QUERY' || node.kind === 'UNION' ? node : query
    for (const child of node.children) visit(child, owner)
  }
  visit(root, null)
  const seen = new Set<string>()
  return out.filter((v) => !seen.has(v.message) && seen.add(v.message))
}

function checkTable(table: string, cte: string | undefined, policy: TreePolicy, out: TreeViolation[]): void {
  // What a SELECT without FROM reads: one row, one constant column. Naming it is refused earlier.
  if (table === 'system.one') return
  if (table === `${policy.database}.events` && cte !== undefined && policy.scopeCtes.has(cte)) return
  if (policy.scratch !== undefined && table === `${policy.database}.${policy.scratch.table}` && cte === policy.scratch.cte) return
  const system = /^(system|information_schema)\./i.test(table)
  out.push({
    code: system ? 'system_table_forbidden' : 'table_not_allowed',
    message: `${table} is read outside Tally's scope; templates read raw.<metric>, history.<metric> and aggregates only`,
  })
}
