// Engine errors said in the user's terms. What ClickHouse analyses and runs is Tally's
// composition of its re-serialisation of the template; the user wrote neither. So a message
// loses the engine's echo of the statement (`In scope SELECT …`, which would show the scope
// rewrite), Tally's internal names become the ones the user wrote, and the line and column
// are those of the first place the named identifier appears in the user's own text.
import { identName, significant } from './lexer.ts'
import type { ScannedTemplate } from './templateScan.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

export interface UserFacing {
  message: string
  line?: number
  column?: number
}

const INTERNAL_NAMES: Array<[RegExp, string]> = [
  [new RegExp(`${RESERVED_PREFIX}_(raw|history)_([A-Za-z0-9_]+)`, 'g'), '$1.$2'],
  [new RegExp(`${RESERVED_PREFIX}_customer_\\d+`, 'g'), 'customer_id'],
  [new RegExp(`${RESERVED_PREFIX}_aggregates`, 'g'), 'aggregates'],
]

/** The message without the statement it was raised in, and with the user's names. */
function userFacingMessage(message: string): string {
  let out = message.replace(/[.:\s]*In scope [\s\S]*$/, '').replace(/\s*FORMAT (TabSeparatedRaw|JSON)\.?/g, '')
  for (const [pattern, name] of INTERNAL_NAMES) out = out.replace(pattern, name)
  return out.trim()
}

/** Where `name` (a table, column or function name; `db.t` matches on `t`) first appears in the user's text. */
export function locateName(user: ScannedTemplate, name: string): { line: number; column: number } | undefined {
  const last = name.split('.').pop()!
  const token = significant(user.tokens).find((t) => (t.kind === 'word' || t.kind === 'quoted_ident') && identName(t) === last)
  return token === undefined ? undefined : { line: token.line, column: token.column }
}

/** An engine message about a user's template, placed at the first backquoted name it mentions. */
export function userFacing(message: string, user: ScannedTemplate | undefined): UserFacing {
  const clean = userFacingMessage(message)
  if (user === undefined) return { message: clean }
  for (const m of clean.matchAll(/`([^`]+)`/g)) {
    const at = locateName(user, m[1]!)
    if (at !== undefined) return { message: clean, ...at }
  }
  return { message: clean }
}
