// information_schema column rows → tables with their columns: `discover`'s answer, the same for
// every SQL source.
import type { SourceColumn, SourceTable } from './sourceDriver.ts'

/** Rows ordered by schema, table and position → one entry per table. */
export function groupColumns(
  rows: Array<{ schema: string; table: string; name: string; type: string }>,
  cursorType: (type: string) => SourceColumn['cursorType'],
): SourceTable[] {
  const tables: SourceTable[] = []
  for (const r of rows) {
    let last = tables.at(-1)
    if (last === undefined || last.schema !== r.schema || last.name !== r.table) {
      last = { schema: r.schema, name: r.table, columns: [] }
      tables.push(last)
    }
    last.columns.push({ name: r.name, type: r.type, cursorType: cursorType(r.type) })
  }
  return tables
}
