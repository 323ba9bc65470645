// Formatting a template with ClickHouse's own formatter, so the text a data team gets back
// means exactly what they wrote (STYLE: the engine is the authority on its own language).
//
// The user's text reaches the engine only as a bound String parameter of `formatQuery`, which
// parses without executing and refuses a second statement; readonly=1 sits in the statement's
// own SETTINGS clause because chDB would keep a client setting for the whole session.
//
// `formatQuery` drops comments. Comments before and after the query are kept verbatim around the
// formatted statement; a comment inside the query cannot be placed back reliably, so formatting
// is refused (`format_would_drop_comments`, with its line and column) unless the caller asks to
// drop such comments. Whatever is returned is checked by the engine once more: formatting the
// result must give exactly what formatting the input gave, or nothing is returned.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { engineError } from '../platform/clickhouse/engineError.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { UnprocessableError } from '../platform/errors.ts'
import { LexError, tokenize, type Token } from './lexer.ts'

export interface FormatOptions {
  /** Drop comments inside the query instead of refusing (comments around it are always kept). */
  dropComments?: boolean
}

const FORMAT_SQL = 'SELECT formatQuery({text:String}) AS sql SETTINGS readonly = 1'
// ClickHouse repeats the whole formatQuery call after this marker; the user's own text is enough.
const ECHO = /: In scope SELECT formatQuery\([\s\S]*$/

/** The text formatted by ClickHouse, its comments kept (see above). Throws 422 with a stable code. */
export async function formatTemplate(handle: ClickHouseHandle, text: string, opts: FormatOptions = {}): Promise<string> {
  const formatted = await engineFormat(handle, text)
  const { leading, inner, trailing } = commentsAround(text)
  if (inner.length > 0 && opts.dropComments !== true) {
    const first = inner[0]!
    throw new UnprocessableError(
      'format_would_drop_comments',
      `ClickHouse's formatter drops comments inside a query; the comment at line ${first.line}, column ${first.column} would be lost. ` +
        'Move comments above or below the query, or send "drop_comments": true.',
      inner.map((t) => ({ code: 'comment_inside_query', message: `line ${t.line}, column ${t.column}: ${t.text.slice(0, 60)}` })),
      { line: first.line, column: first.column },
    )
  }
  const result = [leading, formatted, trailing].filter((part) => part !== '').join('\n')
  // The proof that keeping comments changed nothing: the engine reads the result as it read the input.
  if ((await engineFormat(handle, result)) !== formatted) {
    throw new UnprocessableError('format_not_equivalent', 'The formatted text would not mean what the original means; the original is left as it is.')
  }
  return result
}

async function engineFormat(handle: ClickHouseHandle, text: string): Promise<string> {
  try {
    const rs = await handle.client.query({ query: FORMAT_SQL, query_params: { text }, format: 'JSONEachRow' })
    const rows = await rs.json<{ sql: string }>()
    return rows[0]!.sql
  } catch (err) {
    const engine = engineError(err)
    if (engine === null) throw toClickHouseError(err, 'format')
    const message = engine.message.replace(ECHO, '')
    const position = /failed at position (\d+)/.exec(message)
    const where = position === null ? {} : lineColumn(text, Number(position[1]))
    throw new UnprocessableError('format_failed', `ClickHouse could not parse the query: ${message}`, [], {
      clickhouse_code: engine.type ?? engine.code,
      ...where,
    })
  }
}

/** ClickHouse positions are 1-based UTF-8 byte offsets into the text. */
function lineColumn(text: string, bytePosition: number): { line: number; column: number } {
  const before = Buffer.from(text, 'utf8')
    .subarray(0, Math.max(0, bytePosition - 1))
    .toString('utf8')
  const lines = before.split('\n')
  return { line: lines.length, column: lines.at(-1)!.length + 1 }
}

interface CommentLayout {
  /** Comments (and the blank lines between them) before the first token of the query. */
  leading: string
  /** Comment tokens between the first and the last token of the query. */
  inner: Token[]
  /** Comments after the last token of the query. */
  trailing: string
}

function commentsAround(text: string): CommentLayout {
  let tokens: Token[]
  try {
    tokens = tokenize(text)
  } catch (err) {
    // The engine parsed the text, so our lexer reading it otherwise is a lexer limit, not the user's.
    if (err instanceof LexError)
      throw new UnprocessableError('format_failed', `The query could not be split into comments and code: ${err.message}`, [], {
        line: err.line,
        column: err.column,
      })
    throw err
  }
  const code = tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment')
  if (code.length === 0) return { leading: text.trim(), inner: [], trailing: '' }
  const first = code[0]!.start
  // A trailing `;` is not part of the statement formatQuery returns.
  const last = code.at(-1)!.text === ';' && code.length > 1 ? code.at(-2)!.end : code.at(-1)!.end
  const comments = tokens.filter((t) => t.kind === 'comment')
  return {
    leading: text.slice(0, first).trim(),
    inner: comments.filter((t) => t.start > first && t.end <= last),
    trailing: comments.some((t) => t.start >= last) ? text.slice(last).replace(/^\s*;/, '').trim() : '',
  }
}
