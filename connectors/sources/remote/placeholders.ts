// A remote query's named parameters (`{customer_id}`, `{period_start:DateTime64(3)}`, …) become
// the driver's own bind markers (`$1…` for Postgres, `?` for MySQL/MariaDB, ClickHouse's own
// server-side `{customer_id:String}` with Tally's type), found by a tokenizer
// that skips string literals, quoted identifiers, dollar-quoted bodies and comments: a brace inside
// `'…'` stays text, and a value never enters the SQL text. Positional markers written by the user
// (`$1`, `?`) are refused, so every value is one Tally binds.
import { UnprocessableError } from '../../../platform/errors.ts'

export type RemoteDialect = 'postgres' | 'mysql' | 'clickhouse'

/** What a remote query may name: the billed customer(s) and the half-open period. */
export const REMOTE_PARAMETERS = ['customer_id', 'customer_ids', 'period_start', 'period_end'] as const
export type RemoteParameter = (typeof REMOTE_PARAMETERS)[number]
export type RemoteValues = Partial<Record<RemoteParameter, string | readonly string[]>>

export interface BoundQuery {
  text: string
  values: Array<string | string[]>
  /** The names used, in first-use order. */
  names: RemoteParameter[]
}

const PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z0-9_(), ]{1,64})?\}/
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/

function refuse(code: string, message: string): never {
  throw new UnprocessableError(code, message, [{ field: 'customer_query', code, message }])
}

/** Index just past a quoted run that opened at `start` with `quote` (doubled quote escapes; backslash too where `backslash`). */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]!
    if (backslash && c === '\\') i += 2
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2
      else return i + 1
    } else i += 1
  }
  refuse('remote_query_unterminated', `a ${quote} opened at offset ${start} is never closed`)
}

function skipBlockComment(sql: string, start: number, nests: boolean): number {
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth = nests ? depth + 1 : 1
      i += 2
    } else if (sql.startsWith('*/', i)) {
      depth -= 1
      i += 2
      if (depth === 0) return i
    } else i += 1
  }
  refuse('remote_query_unterminated', `a comment opened at offset ${start} is never closed`)
}

function skipLine(sql: string, start: number): number {
  const end = sql.indexOf('\n', start)
  return end === -1 ? sql.length : end + 1
}

/**
 * The length of the literal, identifier or comment starting at `i`, or 0 when none starts there.
 * ClickHouse lexes like MySQL (backslash escapes, backticks, `#` comments) but nests block
 * comments and has heredocs (`$tag$…$tag$`) like Postgres.
 */
function skippable(sql: string, i: number, dialect: RemoteDialect): number {
  const c = sql[i]!
  const backslashes = dialect !== 'postgres'
  if (c === "'") {
    const escaped = backslashes || /[Ee]/.test(sql[i - 1] ?? '')
    return skipQuoted(sql, i, "'", escaped) - i
  }
  if (c === '"') return skipQuoted(sql, i, '"', backslashes) - i
  if (c === '`' && backslashes) return skipQuoted(sql, i, '`', dialect === 'clickhouse') - i
  if (sql.startsWith('--', i) || (backslashes && c === '#')) return skipLine(sql, i) - i
  if (sql.startsWith('/*', i)) return skipBlockComment(sql, i, dialect !== 'mysql') - i
  if (c === '$' && dialect !== 'mysql') {
    const tag = DOLLAR_TAG.exec(sql.slice(i, i + 66))
    if (tag !== null && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const end = sql.indexOf(tag[0], i + tag[0].length)
      if (end === -1) refuse('remote_query_unterminated', `a ${tag[0]} body opened at offset ${i} is never closed`)
      return end + tag[0].length - i
    }
  }
  return 0
}

/** The parameter names a query uses (unknown names and positional markers refused). */
export function remoteParameterNames(sql: string, dialect: RemoteDialect): RemoteParameter[] {
  return bindRemoteQuery(sql, dialect, null).names
}

/**
 * The query with each `{name}` / `{name:Type}` outside literals and comments replaced by a bind
 * marker, and the values in marker order. `values` null: only check (markers numbered, no values).
 */
export function bindRemoteQuery(sql: string, dialect: RemoteDialect, values: RemoteValues | null): BoundQuery {
  let text = ''
  const out: Array<string | string[]> = []
  const names: RemoteParameter[] = []
  const numbers = new Map<string, number>()
  let i = 0
  while (i < sql.length) {
    const skip = skippable(sql, i, dialect)
    if (skip > 0) {
      text += sql.slice(i, i + skip)
      i += skip
      continue
    }
    const c = sql[i]!
    if (c === '?' && dialect === 'mysql') refuse('remote_query_positional_parameter', `offset ${i}: write {customer_id}, {period_start} or {period_end}, not ?`)
    if (c === '$' && dialect === 'postgres' && /[0-9]/.test(sql[i + 1] ?? '')) {
      refuse('remote_query_positional_parameter', `offset ${i}: write {customer_id}, {period_start} or {period_end}, not $n`)
    }
    const match = c === '{' ? PLACEHOLDER.exec(sql.slice(i, i + 140)) : null
    if (match === null) {
      text += c
      i += 1
      continue
    }
    const name = match[1]! as RemoteParameter
    if (!REMOTE_PARAMETERS.includes(name)) refuse('remote_query_unknown_parameter', `{${match[1]}} is not a parameter; known: ${REMOTE_PARAMETERS.join(', ')}`)
    if (!names.includes(name)) names.push(name)
    const value = values === null ? '' : values[name]
    if (value === undefined) refuse('remote_query_parameter_not_allowed', `{${name}} cannot be used in this query`)
    text += marker(dialect, name, value, out, numbers)
    i += match[0].length
  }
  return { text, values: out, names }
}

/** ClickHouse's server-side parameter types for Tally's values (the periods are UTC microsecond text). */
const CLICKHOUSE_TYPES: Record<RemoteParameter, string> = {
  customer_id: 'String',
  customer_ids: 'Array(String)',
  period_start: "DateTime64(6, 'UTC')",
  period_end: "DateTime64(6, 'UTC')",
}

function marker(
  dialect: RemoteDialect,
  name: RemoteParameter,
  value: string | readonly string[],
  out: Array<string | string[]>,
  numbers: Map<string, number>,
): string {
  if (dialect === 'clickhouse') {
    // Bound by name on the server (`param_<name>`): one value per name, in `names` order.
    if (!numbers.has(name)) {
      out.push(typeof value === 'string' ? value : [...value])
      numbers.set(name, out.length)
    }
    return `{${name}:${CLICKHOUSE_TYPES[name]}}`
  }
  if (dialect === 'mysql') {
    // MySQL binds no arrays: a list becomes one bound marker per element (`IN ({customer_ids})`).
    if (typeof value === 'string') {
      out.push(value)
      return '?'
    }
    if (value.length === 0) return 'NULL'
    out.push(...value)
    return value.map(() => '?').join(', ')
  }
  const known = numbers.get(name)
  if (known !== undefined) return `$${known}`
  out.push(typeof value === 'string' ? value : [...value])
  numbers.set(name, out.length)
  return `$${out.length}`
}
