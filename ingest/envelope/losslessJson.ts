// JSON.parse turns `0.1000000000000000055511` or `12345678901234567890` into a lossy JS number
// (DESIGN invariant 3: no quantity ever passes through a `number`). Quoting every number before
// parsing keeps the digits but makes `12345` and `"12345"` one thing, so a number would pass a
// field declared string. Here a number stays a number: a `JsonNumber` holding the exact text.
//
// NOTE: speed. lossless-json's parser is JavaScript, several times slower than the native
// JSON.parse on an ingest body (docs/benchmarks.md, stage 1). Most bodies hold no number literal
// (the reference docs send quantities as strings), so the native parser runs first and one walk
// of its result looks for a number; only a body that has one is parsed again, by lossless-json.
// The walk is exact: a JS number in the native result can only come from a number literal.

import { LosslessNumber, parse, type DuplicateKeyInfo } from 'lossless-json'

/** A JSON number literal as the producer wrote it. Serialises as that text in a JSON string: stored events hold numbers as decimal strings. */
export class JsonNumber extends LosslessNumber {
  toJSON(): string {
    return this.value
  }
}

export function isJsonNumber(value: unknown): value is JsonNumber {
  return value instanceof JsonNumber
}

/** JSON.parse, except that every number is a JsonNumber. Throws what JSON.parse throws on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  const value: unknown = JSON.parse(text)
  return holdsNumber(value) ? parse(text, null, { parseNumber: toJsonNumber, onDuplicateKey: lastWins }) : value
}

const toJsonNumber = (text: string): JsonNumber => new JsonNumber(text)

// JSON.parse keeps the last of two equal keys; lossless-json would throw unless they agree.
const lastWins = (duplicate: DuplicateKeyInfo): unknown => duplicate.newValue

// A loop, not recursion: a body nested thousands deep parses natively and must not overflow here.
function holdsNumber(root: unknown): boolean {
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'number') return true
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item)
    } else {
      for (const key in value) pending.push((value as Record<string, unknown>)[key])
    }
  }
  return false
}
