// JSON.parse turns `0.1000000000000000055511` or `12345678901234567890` into a lossy JS number
// (DESIGN invariant 3: no quantity ever passes through a `number`), and quoting every number
// before parsing keeps the digits but makes `12345` and `"12345"` one thing, so a number would
// pass a field declared string. Here a number stays a number: a `JsonNumber` holding the exact
// text.
//
// How, at the native parser's speed (docs/benchmarks.md "Lossless JSON"): one linear scan
// rewrites every number literal outside a string as a string that starts with a mark no producer
// string holds (U+E000, a private-use character: the scan falls back when the body contains it,
// raw or as the escape `\uE000`), the native JSON.parse does the heavy lifting, and one walk of
// its result turns the marked strings into JsonNumbers. A body without a number literal is parsed as it is. The
// fallback, lossless-json's parser (JavaScript, several times slower), handles the rest.

import { parse, type DuplicateKeyInfo } from 'lossless-json'

/**
 * A JSON number literal as the producer wrote it (only parsers make one, from text the JSON
 * number grammar matched). Serialises as that text in a JSON string: stored events hold numbers
 * as decimal strings.
 */
export class JsonNumber {
  constructor(readonly value: string) {}

  toJSON(): string {
    return this.value
  }

  toString(): string {
    return this.value
  }
}

export function isJsonNumber(value: unknown): value is JsonNumber {
  return value instanceof JsonNumber
}

/** JSON.parse, except that every number is a JsonNumber. Throws what JSON.parse throws on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  const marked = markNumbers(text)
  if (marked === null) return parse(text, null, { parseNumber: toJsonNumber, onDuplicateKey: lastWins })
  if (marked === text) return JSON.parse(text)
  let value: unknown
  try {
    value = JSON.parse(marked)
  } catch {
    // The error of the producer's text, with its positions, not of the marked one.
    return JSON.parse(text)
  }
  return unmark(value)
}

const toJsonNumber = (text: string): JsonNumber => new JsonNumber(text)

// JSON.parse keeps the last of two equal keys; lossless-json would throw unless they agree.
const lastWins = (duplicate: DuplicateKeyInfo): unknown => duplicate.newValue

/** The first character of a marked number (U+E000, private use; written raw, no escape to decode). */
const MARK = '\uE000'
const MARK_CODE = 0xe000

const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39

// The JSON number grammar, anchored at the scan position.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/**
 * The text with every number literal outside a string written as a marked string; the text
 * itself when it has none; null when the mark could be confused with a producer's string (the
 * body holds U+E000, raw or escaped) or a digit outside a string starts no number (invalid JSON:
 * the fallback parser reports it).
 */
function markNumbers(text: string): string | null {
  if (text.includes(MARK)) return null
  let out = ''
  let copiedUpTo = 0
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i++
      while (i < n) {
        const d = text.charCodeAt(i)
        if (d === BACKSLASH) {
          if (text.charCodeAt(i + 1) === 0x75 && text.slice(i + 2, i + 6).toLowerCase() === 'e000') return null
          i += 2
        } else if (d === QUOTE) break
        else i++
      }
      i++
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      NUMBER.lastIndex = i
      const match = NUMBER.exec(text)
      if (match === null) return null
      const end = i + match[0].length
      out += `${text.slice(copiedUpTo, i)}"${MARK}${match[0]}"`
      copiedUpTo = end
      i = end
    } else {
      i++
    }
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

const isMarked = (v: unknown): v is string => typeof v === 'string' && v.charCodeAt(0) === MARK_CODE

/** Turns marked strings back into JsonNumbers, in place. A loop, not recursion: a body nested thousands deep parses natively and must not overflow here. */
function unmark(root: unknown): unknown {
  if (isMarked(root)) return new JsonNumber(root.slice(MARK.length))
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) {
        const item: unknown = value[k]
        if (isMarked(item)) value[k] = new JsonNumber(item.slice(MARK.length))
        else if (typeof item === 'object' && item !== null) pending.push(item)
      }
    } else {
      const record = value as Record<string, unknown>
      for (const key of Object.keys(record)) {
        const item = record[key]
        // defineProperty: an own "__proto__" key must stay a key, not become the prototype.
        if (isMarked(item))
          Object.defineProperty(record, key, { value: new JsonNumber(item.slice(MARK.length)), writable: true, enumerable: true, configurable: true })
        else if (typeof item === 'object' && item !== null) pending.push(item)
      }
    }
  }
  return root
}
