// Strings an event may carry: well-formed Unicode. JSON lets a producer send half of a UTF-16
// surrogate pair (`"\ud800"`); JavaScript keeps it as a lone surrogate, but ClickHouse cannot
// parse it back from the insert's JSON (CANNOT_PARSE_ESCAPE_SEQUENCE), so one such event, once
// accepted, would fail every insert of the drain behind it. It is refused at validation, the
// one place the gateway and source syncs share (buildEvents), with its own code.
// (`String.prototype.isWellFormed` does the same from ES2024; the project's lib is ES2022.)
import { isJsonNumber } from './losslessJson.ts'

/** The error code of a string holding a lone surrogate. */
export const ILL_FORMED_UNICODE = 'ill_formed_unicode'

export const ILL_FORMED_MESSAGE =
  'must be well-formed Unicode: it holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair), which cannot be stored; send both halves of the pair or remove it'

// With the u flag a valid pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}

/** The path (keys and positions) of the first string, or object key, in `value` holding a lone surrogate; null when there is none. */
export function illFormedPath(value: unknown): Array<string | number> | null {
  if (typeof value === 'string') return isWellFormedText(value) ? null : []
  if (typeof value !== 'object' || value === null || isJsonNumber(value)) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = illFormedPath(value[i])
      if (inner !== null) return [i, ...inner]
    }
    return null
  }
  for (const [key, inner] of Object.entries(value)) {
    if (!isWellFormedText(key)) return [key]
    const path = illFormedPath(inner)
    if (path !== null) return [key, ...path]
  }
  return null
}
