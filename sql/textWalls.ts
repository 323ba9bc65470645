// Walls on the characters of a template, independent of what ClickHouse makes of them. They
// only refuse: ClickHouse's parser decides what a text means (canonicalQuery.ts), and these
// stand in front of it so that a second reading of the same text can never widen access.
//
//   - no `;` anywhere, not even in a string or comment: a separator is never needed in one
//     statement, and refusing it needs no idea of where strings end;
//   - no character outside ASCII except inside a single-quoted string or a `--` / `/* */`
//     comment: Unicode quotes (ClickHouse reads ‘ ’ “ ” as quotes), zero-width characters and
//     homoglyphs (`еvents` with a Cyrillic е) are how a text reads differently to two parsers;
//   - a quoted name holds printable ASCII and no backslash: EXPLAIN dumps print names raw, one
//     node a line, so a newline in a name would forge a line of the dump;
//   - no name starting with `__tally` (columns, aliases, CTEs, any identifier): those are the
//     names Tally gives the scope around a template and the customer index of a batch.
import { identName, type Token } from './lexer.ts'

export const RESERVED_PREFIX = '__tally'

export interface WallIssue {
  code: string
  message: string
  line: number
  column: number
}

/** Line and column (1-based) of offset `at` in `text`. */
export function positionOf(text: string, at: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let k = 0; k < at && k < text.length; k++) {
    if (text[k] === '\n') {
      line++
      lineStart = k + 1
    }
  }
  return { line, column: at - lineStart + 1 }
}

function mayHoldNonAscii(token: Token): boolean {
  if (token.kind === 'string') return token.text.startsWith("'")
  if (token.kind === 'comment') return token.text.startsWith('--') || token.text.startsWith('/*')
  return false
}

/** UTF-16 offset of the first character above U+007F, or -1. */
function firstNonAscii(text: string): number {
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) > 0x7f) return k
  return -1
}

export function textWallIssues(text: string, tokens: readonly Token[]): WallIssue[] {
  const issues: WallIssue[] = []
  for (let at = text.indexOf(';'); at !== -1; at = text.indexOf(';', at + 1)) {
    issues.push({
      code: 'multiple_statements',
      message: 'a template is one statement and holds no `;` (not even in a string or comment; write char(59) for the character)',
      ...positionOf(text, at),
    })
  }
  for (const t of tokens) {
    if (mayHoldNonAscii(t)) continue
    const offset = firstNonAscii(t.text)
    if (offset !== -1) {
      const ch = t.text.codePointAt(offset)!
      issues.push({
        code: 'non_ascii_character',
        message: `U+${ch.toString(16).toUpperCase().padStart(4, '0')} is outside a '…' string or comment; names, quotes and operators are ASCII`,
        ...positionOf(text, t.start + offset),
      })
    }
    if (t.kind === 'quoted_ident' && [...t.text].some((c) => c < ' ' || c === '\u007f' || c === '\\')) {
      issues.push({
        code: 'invalid_identifier',
        message: 'a quoted name holds printable ASCII characters and no backslash escapes',
        line: t.line,
        column: t.column,
      })
    }
    if ((t.kind === 'word' || t.kind === 'quoted_ident') && identName(t).toLowerCase().startsWith(RESERVED_PREFIX)) {
      issues.push({ code: 'reserved_name', message: `${identName(t)}: names starting with ${RESERVED_PREFIX} are Tally's`, line: t.line, column: t.column })
    }
  }
  return issues
}
