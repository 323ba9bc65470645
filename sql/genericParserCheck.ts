// A second opinion from node-sql-parser, used where it understands the query. It knows no
// ClickHouse dialect, so it reads the template as MySQL with parameters blanked out; when it
// cannot parse (ClickHouse-only syntax: lambdas, ARRAY JOIN, `{p:T}` types, …) it says
// nothing and ClickHouse's parser decides alone. When it does parse, its statement types and
// table list catch writes and foreign tables before anything is sent to ClickHouse.
import nodeSqlParser from 'node-sql-parser'
import type { TemplateIssue, QueryRole } from './templateScan.ts'

const parser = new nodeSqlParser.Parser()

export function genericParserIssues(opts: { role: QueryRole; text: string; allowedTables: ReadonlySet<string> }): TemplateIssue[] {
  const blanked = opts.text.replace(/\{\s*[A-Za-z_][A-Za-z0-9_]*\s*:[^{}]*\}/g, "''")
  let parsed: nodeSqlParser.TableColumnAst
  try {
    parsed = parser.parse(blanked, { database: 'mysql' })
  } catch {
    return []
  }
  const issues: TemplateIssue[] = []
  const statements = Array.isArray(parsed.ast) ? parsed.ast : [parsed.ast]
  if (statements.length > 1) issues.push({ query: opts.role, code: 'multiple_statements', message: 'only one statement is allowed' })
  for (const st of statements) {
    const type = String((st as { type?: unknown }).type ?? 'unknown').toLowerCase()
    if (type !== 'select') issues.push({ query: opts.role, code: 'statement_not_select', message: `only SELECT is allowed; this is ${type.toUpperCase()}` })
  }
  // Entries look like `select::db::table`; `db` is `null` when unqualified.
  for (const entry of parsed.tableList) {
    const [action, db, table] = entry.split('::')
    if (action?.toLowerCase() !== 'select') continue
    const name = db === 'null' || db === undefined ? table! : `${db}.${table}`
    if (opts.allowedTables.has(name)) continue
    const system = db?.toLowerCase() === 'system' || db?.toLowerCase() === 'information_schema'
    issues.push({
      query: opts.role,
      code: system ? 'system_table_forbidden' : 'table_not_allowed',
      message: `${name} is not a table this template may read; use raw.<metric>, aggregates, or a CTE it defines`,
    })
  }
  return issues
}
