// A small ClickHouse SQL tokenizer: comments, literals, query parameters (`{name:Type}`) and
// `raw.<metric>` references with their line and column, without trying to parse. It decides
// nothing about what a text means: ClickHouse's parser does (canonicalQuery.ts). It only adds
// walls (textWalls.ts) and finds the places Tally rewrites in ClickHouse's own re-serialisation.
//
// Words are ASCII only. Every other character outside a literal or comment becomes a
// one-character `punct` token, so a Unicode quote (‘ ’ “ ” are quotes to ClickHouse), a
// zero-width space or a homoglyph is never taken for part of a name; textWalls.ts refuses it.

export type TokenKind = 'word' | 'quoted_ident' | 'string' | 'number' | 'param' | 'punct' | 'comment' | 'space'

export interface Token {
  kind: TokenKind
  text: string
  /** Offset into the source, in UTF-16 code units. */
  start: number
  end: number
  /** 1-based. */
  line: number
  column: number
}

export class LexError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

const WORD_START = /[A-Za-z_]/
const WORD_PART = /[A-Za-z0-9_$]/
const DIGIT = /[0-9]/
/** ClickHouse's whitespace; `\s` would also take Unicode spaces such as U+00A0 for blanks. */
const ASCII_SPACE = /[ \t\n\r\f\v]/

/** Tokenizes `source`; throws LexError `syntax_error` on an unterminated string, identifier or comment. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const push = (kind: TokenKind, end: number, startLine: number, startCol: number) => {
    tokens.push({ kind, text: source.slice(i, end), start: i, end, line: startLine, column: startCol })
    for (let k = i; k < end; k++) {
      if (source[k] === '\n') {
        line++
        lineStart = k + 1
      }
    }
    i = end
  }
  while (i < source.length) {
    const ch = source[i]!
    const col = i - lineStart + 1
    const next = source[i + 1]
    if (ASCII_SPACE.test(ch)) {
      let j = i + 1
      while (j < source.length && ASCII_SPACE.test(source[j]!)) j++
      push('space', j, line, col)
    } else if ((ch === '-' && next === '-') || ch === '#') {
      // ClickHouse accepts `--` and `#` line comments (the latter only when followed by space or !, but
      // treating every `#` as a comment start errs on the side of hiding less).
      let j = source.indexOf('\n', i)
      if (j === -1) j = source.length
      push('comment', j, line, col)
    } else if (ch === '/' && next === '*') {
      // ClickHouse block comments nest.
      let depth = 1
      let j = i + 2
      while (j < source.length && depth > 0) {
        if (source[j] === '/' && source[j + 1] === '*') {
          depth++
          j += 2
        } else if (source[j] === '*' && source[j + 1] === '/') {
          depth--
          j += 2
        } else j++
      }
      if (depth > 0) throw new LexError('syntax_error', 'unterminated /* comment', line, col)
      push('comment', j, line, col)
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const j = endOfQuoted(source, i, ch)
      if (j === -1) throw new LexError('syntax_error', `unterminated ${ch === "'" ? 'string' : 'quoted identifier'}`, line, col)
      push(ch === "'" ? 'string' : 'quoted_ident', j, line, col)
    } else if (ch === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      // Heredoc string `$tag$ … $tag$`.
      const tagEnd = source.indexOf('$', i + 1)
      const tag = tagEnd === -1 ? '' : source.slice(i, tagEnd + 1)
      const close = tag === '' || !/^\$[A-Za-z0-9_]*\$$/.test(tag) ? -1 : source.indexOf(tag, tagEnd + 1)
      if (close === -1) throw new LexError('syntax_error', 'unterminated $heredoc$ string', line, col)
      push('string', close + tag.length, line, col)
    } else if (ch === '{') {
      const j = source.indexOf('}', i)
      if (j === -1) throw new LexError('syntax_error', 'unterminated {parameter}', line, col)
      push('param', j + 1, line, col)
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(next ?? ''))) {
      let j = i + 1
      while (j < source.length && /[0-9A-Za-z_.]/.test(source[j]!)) {
        // An exponent sign belongs to the number: 1e-3.
        if (/[eE]/.test(source[j]!) && /[+-]/.test(source[j + 1] ?? '')) j++
        j++
      }
      push('number', j, line, col)
    } else if (WORD_START.test(ch)) {
      let j = i + 1
      while (j < source.length && WORD_PART.test(source[j]!)) j++
      push('word', j, line, col)
    } else {
      const two = source.slice(i, i + 2)
      const len = ['<=', '>=', '!=', '<>', '||', '->', '::', '=='].includes(two) ? 2 : 1
      push('punct', i + len, line, col)
    }
  }
  return tokens
}

function endOfQuoted(source: string, start: number, quote: string): number {
  let j = start + 1
  while (j < source.length) {
    const c = source[j]
    if (c === '\\') j += 2
    else if (c === quote) {
      // A doubled quote is an escaped quote.
      if (source[j + 1] === quote) j += 2
      else return j + 1
    } else j++
  }
  return -1
}

/** Tokens that carry meaning: no whitespace, no comments. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment')
}

/** The unquoted name of a word or quoted identifier token. */
export function identName(token: Token): string {
  if (token.kind === 'quoted_ident')
    return token.text
      .slice(1, -1)
      .replace(/\\(.)/g, '$1')
      .replace(/``|""/g, (m) => m[0]!)
  return token.text
}

export function isIdent(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted_ident')
}

export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.text.toUpperCase() === word
}
