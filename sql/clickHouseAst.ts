// ClickHouse's own parser as the authority: `EXPLAIN AST` (parameters bound) returns the
// syntax tree as indented text, which is parsed back into nodes here and inspected for what a
// template may not contain. EXPLAIN AST only parses; nothing is read or executed.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { engineError, type EngineError } from '../platform/clickhouse/engineError.ts'
import { forbiddenFunction, IN_FUNCTIONS } from './forbiddenFunctions.ts'

/** The format the client appends to EXPLAIN AST; it appears in the dump as the statement's last child. */
export const EXPLAIN_FORMAT = 'TabSeparatedRaw'
const EXPLAIN_PREFIX = 'EXPLAIN AST\n'

export interface AstNode {
  /** `SelectQuery`, `Function`, `TableIdentifier`, `Identifier`, `Literal`, `Set`, … */
  type: string
  /** What follows the type: a function or table name, a literal. */
  name: string
  children: AstNode[]
}

export type ExplainResult = { ok: true; root: AstNode } | { ok: false; code: string; message: string; line?: number; column?: number }

/**
 * Parses `text` with ClickHouse. `text` must already be known to hold one statement (see
 * lexer.ts: chDB would run a second one). Syntax errors come back with the line and
 * column in `text` where ClickHouse gives them.
 */
export async function explainAst(handle: ClickHouseHandle, text: string, params: Record<string, unknown>): Promise<ExplainResult> {
  // The newline keeps ClickHouse's line numbers one above the template's and stops a trailing
  // `--` comment of the template from hiding the FORMAT clause the client appends.
  const query = `${EXPLAIN_PREFIX}${text}\n`
  let lines: string[]
  try {
    const rs = await handle.client.query({ query, query_params: params, format: EXPLAIN_FORMAT })
    // NOTE: chDB prints each line of the dump as a double-quoted string whatever the format,
    // without escaping quotes inside; a server prints it raw. Only the outer quotes are removed.
    lines = (await rs.text()).split('\n').map((l) => (l.length >= 2 && l.startsWith('"') && l.endsWith('"') ? l.slice(1, -1) : l))
  } catch (err) {
    const engine = engineError(err)
    if (engine !== null) return { ok: false, ...describeParseError(engine) }
    throw toClickHouseError(err, 'explain')
  }
  return { ok: true, root: parseAstDump(lines) }
}

function describeParseError(err: EngineError): { code: string; message: string; line?: number; column?: number } {
  const code = err.code === '62' ? 'syntax_error' : err.code === '456' ? 'unknown_parameter' : 'invalid_query'
  const where = /\(line (\d+), col (\d+)\)/.exec(err.message)
  // Positions in the message count the `EXPLAIN AST` line Tally added; say them in the template's terms.
  const message = err.message
    .replace(/\s*FORMAT TabSeparatedRaw\.?/g, '')
    .replace(/failed at position (\d+)/, (_m, p: string) => `failed at position ${Math.max(1, Number(p) - EXPLAIN_PREFIX.length)}`)
    .replace(/\(line (\d+), col (\d+)\)/, (_m, l: string, c: string) => `(line ${Math.max(1, Number(l) - 1)}, col ${c})`)
    .trim()
  if (where === null) return { code, message }
  return { code, message, line: Math.max(1, Number(where[1]) - 1), column: Number(where[2]) }
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
}

export interface AstPolicy {
  /** Table names the query may read, exactly as ClickHouse prints them. */
  allowedTables: ReadonlySet<string>
  /** 1: the outermost SELECT may end in one SETTINGS clause (Tally's own wrapper); 0 for templates. */
  topLevelSettings: 0 | 1
  /** The format the client appended (`FORMAT JSONEachRow`), the only output clause allowed. */
  clientFormat: string
}

/** Names a bare identifier or table identifier refers to: `db.t` stays qualified. Aliases are dropped. */
function tableName(node: AstNode): string {
  return node.name.replace(/\s*\(alias [^)]*\)\s*$/, '').trim()
}

function functionName(node: AstNode): string {
  return node.name.replace(/\s*\(alias [^)]*\)\s*$/, '').trim()
}

/** Every reason the tree breaks the policy; empty when it may run. */
export function inspectAst(root: AstNode, policy: AstPolicy): AstViolation[] {
  const out: AstViolation[] = []
  const statement = root.children[0]
  if (statement === undefined || root.children.length !== 1) {
    return [{ code: 'multiple_statements', message: 'exactly one statement is allowed' }]
  }
  if (statement.type !== 'SelectWithUnionQuery') {
    return [{ code: 'statement_not_select', message: `only SELECT is allowed; this is ${statement.type.replace(/Query$/, '')}` }]
  }
  // Top level: the body, then optional SETTINGS (Set), INTO OUTFILE (Literal), FORMAT (Identifier).
  const [, ...clauses] = statement.children
  let settings = 0
  for (const clause of clauses) {
    if (clause.type === 'Set') settings++
    else if (clause.type === 'Identifier' && clause.name === policy.clientFormat) continue
    else if (clause.type === 'Identifier') out.push({ code: 'output_clause_forbidden', message: 'FORMAT is chosen by Tally; remove it' })
    else out.push({ code: 'output_clause_forbidden', message: 'INTO OUTFILE and other output clauses are not allowed' })
  }
  // A SETTINGS clause after the outermost SELECT is printed as the last child of that SelectQuery.
  const body = statement.children[0]
  const outer = body?.children.length === 1 && body.children[0]!.type === 'SelectQuery' ? body.children[0]! : undefined
  const outerSet = outer?.children[outer.children.length - 1]
  const tallySet = policy.topLevelSettings === 1 && outerSet?.type === 'Set' ? outerSet : undefined
  if (settings > 0) out.push({ code: 'settings_forbidden', message: 'SETTINGS cannot be changed by a template' })
  walk(body, null, { ...policy, tallySet }, out)
  return dedupe(out)
}

function walk(node: AstNode | undefined, parent: AstNode | null, policy: AstPolicy & { tallySet?: AstNode }, out: AstViolation[]): void {
  if (node === undefined || node === policy.tallySet) return
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
        out.push({ code: 'table_function_forbidden', message: `table function ${name}() is not allowed; read raw.<metric> or aggregates` })
        break
      }
      const reason = forbiddenFunction(name)
      if (reason === 'dictionary_forbidden') out.push({ code: reason, message: `${name}() reads a dictionary, which templates cannot` })
      else if (reason !== null) out.push({ code: reason, message: `${name}() is not allowed in a template` })
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
    out.push({ code: 'system_table_forbidden', message: `${name} is a system table; templates read raw.<metric> and aggregates only` })
  } else {
    out.push({ code: 'table_not_allowed', message: `${name} is not a table this template may read; use raw.<metric>, aggregates, or a CTE it defines` })
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
