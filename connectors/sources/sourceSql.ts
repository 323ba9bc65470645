// The SELECTs a sync sends, built once for every SQL source from its dialect: identifiers
// quoted, the cursor bound a driver-bound parameter (never spliced), every value read as text.
import type { CursorBound, ReadRequest, SourceFrom } from './sourceDriver.ts'
import { quoteTable } from './sourceErrors.ts'

export interface SqlDialect {
  quote(name: string): string
  /** The expression as text (`x::text`, `CAST(x AS CHAR)`). */
  asText(expression: string): string
  /** The cursor bound parameter, cast to what the column compares with. */
  bound(type: 'time' | 'number'): string
}

export interface SqlText {
  text: string
  values: string[]
}

/** The rows source: the table, or the user's SELECT as a derived table. */
export function fromClause(from: SourceFrom, dialect: SqlDialect): string {
  return 'table' in from ? `${quoteTable(from.table, dialect.quote)} AS src` : `(${from.query}) AS src`
}

export function selectRows(request: ReadRequest, dialect: SqlDialect): SqlText {
  const columns = request.columns.map((c) => dialect.asText(`src.${dialect.quote(c)}`)).join(', ')
  const base = `SELECT ${columns} FROM ${fromClause(request.from, dialect)}`
  if (request.cursor === undefined) return { text: base, values: [] }
  const cursor = `src.${dialect.quote(request.cursor.column)}`
  if (request.cursor.from === null) return { text: `${base} WHERE ${cursor} IS NOT NULL ORDER BY ${cursor}`, values: [] }
  return { text: `${base} WHERE ${cursor} >= ${dialect.bound(request.cursor.type)} ORDER BY ${cursor}`, values: [request.cursor.from] }
}

export function countBelow(from: SourceFrom, cursor: CursorBound, dialect: SqlDialect): SqlText {
  return {
    text: `SELECT ${dialect.asText('COUNT(*)')} FROM ${fromClause(from, dialect)} WHERE src.${dialect.quote(cursor.column)} < ${dialect.bound(cursor.type)}`,
    values: [cursor.bound],
  }
}
