// ClickHouse's parser on ClickHouse's own re-serialisation of a template (canonicalQuery.ts):
// `EXPLAIN AST` returns the syntax tree as indented text, parsed back into nodes here and
// inspected for what a template may not contain, before anything is analysed or run.
// EXPLAIN AST only parses; its SETTINGS clause (readonly, limits) is there all the same.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { engineError } from '../platform/clickhouse/engineError.ts'
import { forbiddenFunction, IN_FUNCTIONS } from './forbiddenFunctions.ts'
import { checkSettings, type SandboxLimits } from './sandbox.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

/** The format the client appends to EXPLAIN AST; it appears in the dump as the statement's last child. */
const EXPLAIN_FORMAT = 'TabSeparatedRaw'

export interface AstNode {
  /** `SelectQuery`, `Function`, `TableIdentifier`, `Identifier`, `Literal`, `Set`, … */
  type: string
  /** What follows the type: a function or table name, a literal. */
  name: string
  children: AstNode[]
}

export type ExplainResult = { ok: true; root: AstNode } | { ok: false; code: string; message: string }

/**
 * Parses `text` (ClickHouse's own single-statement re-serialisation, or Tally's composition of
 * it) as the subquery of `SELECT * FROM (…)` so Tally's SETTINGS clause is always the wrapper's
 * own. The root's statement is that wrapper; `statementOf` finds the text's tree inside it.
 */
export async function explainAst(handle: ClickHouseHandle, text: string, params: Record<string, unknown>, limits: SandboxLimits): Promise<ExplainResult> {
  const query = `EXPLAIN AST\nSELECT * FROM (\n${text}\n)\nSETTINGS ${checkSettings(limits)}\n`
  let lines: string[]
  try {
    const rs = await handle.client.query({ query, query_params: params, format: EXPLAIN_FORMAT })
    // NOTE: chDB prints each line of the dump as a double-quoted string whatever the format,
    // without escaping quotes inside; a server prints it raw. Only the outer quotes are removed.
    lines = (await rs.text()).split('\n').map((l) => (l.length >= 2 && l.startsWith('"') && l.endsWith('"') ? l.slice(1, -1) : l))
  } catch (err) {
    const engine = engineError(err)
    if (engine !== null)
      return {
        ok: false,
        code: engine.code === '62' ? 'syntax_error' : engine.code === '456' ? 'unknown_parameter' : 'invalid_query',
        message: engine.message.replace(/\s*FORMAT TabSeparatedRaw\.?/g, '').trim(),
      }
    throw toClickHouseError(err, 'explain')
  }
  return { ok: true, root: parseAstDump(lines) }
}

/** Turns the indented dump (one space per level) into a tree. */
export function parseAstDump(lines: readonly string[]): AstNode {
  const root: AstNode = { type: '#root', name: '', children: [] }
  const stack: Array<{ depth: number; node: AstNode }> = [{ depth: -1, node: root }]
  for (const raw of lines) {
    if (raw.trim() === '') continue
    const depth = raw.length - raw.trimStart().length
    const body = raw.trim().replace(/\s*\(children \d+\)\s*$/, '')
    const space = body.indexOf(' ')
    const node: AstNode = { type: space === -1 ? body : body.slice(0, space), name: space === -1 ? '' : body.slice(space + 1), children: [] }
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop()
    stack[stack.length - 1]!.node.children.push(node)
    stack.push({ depth, node })
  }
  return root
}

export interface AstViolation {
  code: string
  message: string
  /** The table or function it is about, to find it in the user's text. */
  name?: string
}

export interface AstPolicy {
  /** Table names the query may read, exactly as ClickHouse prints them (`raw.api_calls`, `aggregates`). */
  allowedTables: ReadonlySet<string>
  /**
   * Tables of Tally's database: an unqualified name that is one of them is refused (it would
   * read the table unless a CTE in scope shadows it, which the tree cannot tell).
   */
  storedTables: ReadonlySet<string>
}

/** Names a bare identifier or table identifier refers to: `db.t` stays qualified. Aliases are dropped. */
function tableName(node: AstNode): string {
  return node.name.replace(/\s*\(alias [^)]*\)\s*$/, '').trim()
}

function functionName(node: AstNode): string {
  return node.name.replace(/\s*\(alias [^)]*\)\s*$/, '').trim()
}

/**
 * The statement `text` parsed to, inside the `SELECT * FROM (…) SETTINGS …` wrapper of
 * explainAst: root → SelectWithUnionQuery → ExpressionList → SelectQuery → TablesInSelectQuery
 * → TablesInSelectQueryElement → TableExpression → Subquery → the statement.
 */
function statementOf(root: AstNode): AstNode | undefined {
  const wrapper = root.children[0]?.children[0]?.children[0]
  const tables = wrapper?.children.find((c) => c.type === 'TablesInSelectQuery')
  if (tables?.children.length !== 1) return undefined
  return tables.children[0]?.children[0]?.children[0]?.children[0]
}

/**
 * Every reason the tree breaks the policy; empty when it may be analysed. The rule for a name
 * in a table position is what the tree can prove without resolving scopes: an allowed name;
 * otherwise no dot (EXPLAIN AST prints the CTE `` `tally.events` `` and the table
 * `tally.events` alike, so every qualified name is refused), not a stored table, not Tally's.
 * What the names really resolve to is decided afterwards by the analyser (queryTree.ts).
 */
export function inspectAst(root: AstNode, policy: AstPolicy): AstViolation[] {
  const statement = statementOf(root)
  if (statement === undefined) return [{ code: 'statement_not_select', message: 'a template is one SELECT' }]
  if (statement.type !== 'SelectWithUnionQuery') {
    return [{ code: 'statement_not_select', message: `only SELECT is allowed; this is ${statement.type.replace(/Query$/, '')}` }]
  }
  const out: AstViolation[] = []
  walk(statement, null, policy, out)
  return dedupe(out)
}

function walk(node: AstNode, parent: AstNode | null, policy: AstPolicy, out: AstViolation[]): void {
  switch (node.type) {
    case 'Set':
    case 'SetQuery':
      out.push({ code: 'settings_forbidden', message: 'SETTINGS cannot be changed by a template' })
      break
    case 'TableIdentifier':
      checkTable(tableName(node), policy, out)
      break
    case 'Function': {
      const name = functionName(node)
      if (parent?.type === 'TableExpression') {
        out.push({ code: 'table_function_forbidden', message: `table function ${name}() is not allowed; read raw.<metric> or aggregates`, name })
        break
      }
      const reason = forbiddenFunction(name)
      if (reason === 'dictionary_forbidden') out.push({ code: reason, message: `${name}() reads a dictionary, which templates cannot`, name })
      else if (reason !== null) out.push({ code: reason, message: `${name}() is not allowed in a template`, name })
      if (IN_FUNCTIONS.has(name.toLowerCase())) {
        // `x IN t` reads table t: the right operand is a bare identifier.
        const right = node.children[0]?.children[1]
        if (right?.type === 'Identifier') checkTable(tableName(right), policy, out)
      }
      break
    }
    default:
      break
  }
  for (const child of node.children) walk(child, node, policy, out)
}

function checkTable(name: string, policy: AstPolicy, out: AstViolation[]): void {
  if (policy.allowedTables.has(name)) return
  const lower = name.toLowerCase()
  if (lower.startsWith('system.') || lower.startsWith('information_schema.') || lower === 'system') {
    out.push({ code: 'system_table_forbidden', message: `${name} is a system table; templates read raw.<metric> and aggregates only`, name })
  } else if (name.includes('.') || policy.storedTables.has(name) || lower.startsWith(RESERVED_PREFIX)) {
    out.push({
      code: 'table_not_allowed',
      message: `${name} is not a table this template may read; use raw.<metric>, history.<metric>, aggregates, or a CTE it defines`,
      name,
    })
  }
}

function dedupe(list: AstViolation[]): AstViolation[] {
  const seen = new Set<string>()
  return list.filter((v) => {
    const key = `${v.code}\u0000${v.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** How many times `table` is read in the tree (FROM/JOIN positions only). */
export function countTableReads(root: AstNode, table: string): number {
  let n = 0
  const visit = (node: AstNode) => {
    if (node.type === 'TableIdentifier' && tableName(node) === table) n++
    node.children.forEach(visit)
  }
  visit(root)
  return n
}
