// A sync job's spec checked against the columns the source really has, when the job is created
// and again at the start of each run (a column may have been dropped since): every mapped column
// must exist, and the cursor column must be a time or a number.
import { UnprocessableError, type ErrorDetail } from '../../../platform/errors.ts'
import type { SourceSyncSpec } from '../../../ledger/sourceStore.ts'
import type { SourceColumn } from '../sourceDriver.ts'

/** The spec's fields that name columns, as `mapping.data.tokens` → column. */
function namedColumns(spec: SourceSyncSpec): Array<[string, string]> {
  const m = spec.mapping
  return [
    ['mapping.customer_id', m.customerId],
    ['mapping.timestamp', m.timestamp],
    ...(m.eventId ? [['mapping.event_id', m.eventId] as [string, string]] : []),
    ...(m.keyColumns ?? []).map((c, i): [string, string] => [`mapping.key_columns[${i}]`, c]),
    ...Object.entries(m.data).map(([field, d]): [string, string] => [`mapping.data.${field}.column`, d.column]),
    ...(spec.cursor ? [['cursor.column', spec.cursor.column] as [string, string]] : []),
  ]
}

/** 422 `mapping_column_missing` (one detail per field naming a column the source lacks) or `cursor_column_type`; the cursor's type otherwise. */
export function checkSpec(spec: SourceSyncSpec, columns: SourceColumn[]): 'time' | 'number' | null {
  const byName = new Map(columns.map((c) => [c.name, c]))
  const available = columns.map((c) => c.name).join(', ')
  const missing: ErrorDetail[] = namedColumns(spec)
    .filter(([, column]) => !byName.has(column))
    .map(([field, column]) => ({ field, code: 'mapping_column_missing', message: `no column ${JSON.stringify(column)}; the source has ${available}` }))
  if (missing.length > 0) {
    throw new UnprocessableError(
      'mapping_column_missing',
      `the mapping names columns the source does not have: ${missing.map((d) => d.field).join(', ')}; \`tally sources discover\` lists the columns`,
      missing,
    )
  }
  if (spec.cursor === undefined) return null
  const cursor = byName.get(spec.cursor.column)!
  if (cursor.cursorType === null) {
    throw new UnprocessableError(
      'cursor_column_type',
      `cursor column ${cursor.name} is ${cursor.type}; a cursor must be a date, timestamp or integer/decimal column that grows as rows are added or changed`,
      [{ field: 'cursor.column', code: 'cursor_column_type', message: `${cursor.type} cannot be a cursor` }],
    )
  }
  return cursor.cursorType
}
