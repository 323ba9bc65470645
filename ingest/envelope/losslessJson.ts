// JSON.parse turns `0.1000000000000000055511` or `12345678901234567890` into a lossy JS
// number. Tally never lets a quantity pass through a `number` (DESIGN invariant 3), so before
// the native parser runs, every number literal outside a string is wrapped in quotes: the
// parsed value holds the producer's exact digits as a string. One linear pass, no
// allocation per character; the native JSON.parse still does the heavy lifting.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39

// The JSON number grammar, anchored at the scan position.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Returns the text with every JSON number literal turned into a JSON string literal. */
export function quoteNumbers(text: string): string {
  let out = ''
  let copiedUpTo = 0
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      // Skip the string literal, honouring escapes.
      i++
      while (i < n) {
        const d = text.charCodeAt(i)
        if (d === BACKSLASH) i += 2
        else if (d === QUOTE) break
        else i++
      }
      i++
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      NUMBER.lastIndex = i
      const match = NUMBER.exec(text)
      if (match === null) return text // not a number: leave it for JSON.parse to reject
      const end = i + match[0].length
      out += text.slice(copiedUpTo, i) + '"' + match[0] + '"'
      copiedUpTo = end
      i = end
    } else {
      i++
    }
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/** JSON.parse that keeps every number as its exact decimal text. Throws SyntaxError. */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteNumbers(text))
}
