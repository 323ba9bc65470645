// Formatting with sql-formatter's ClickHouse dialect. `{name:Type}` parameters are declared
// as custom parameter syntax so the formatter keeps them whole.
import { format } from 'sql-formatter'
import { UnprocessableError } from '../platform/errors.ts'

export function formatTemplate(text: string): string {
  try {
    return format(text, {
      language: 'clickhouse',
      keywordCase: 'upper',
      tabWidth: 2,
      paramTypes: { custom: [{ regex: String.raw`\{\s*[A-Za-z_][A-Za-z0-9_]*\s*:[^{}]+\}` }] },
    })
  } catch (err) {
    throw new UnprocessableError('format_failed', `sql-formatter could not format the query: ${(err as Error).message}`)
  }
}
