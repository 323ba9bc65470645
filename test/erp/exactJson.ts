// JSON.parse for a test ERP server that must see amounts as sent: every number token becomes
// the string of its digits ("12345678901234.56", "0.3"), so the server's rules (balance, amount
// due) and the documents it records are decimal, as the real ERP's are, and a test can assert
// that the digits arrived unchanged. Strings are left as they are.

const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

export function parseExactJson(text: string): unknown {
  let out = ''
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '"') {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER_TOKEN.lastIndex = i
      const match = NUMBER_TOKEN.exec(text)
      if (!match) throw new SyntaxError(`bad number at ${i}`)
      out += `"${match[0]}"`
      i += match[0].length
    } else {
      out += ch
      i += 1
    }
  }
  return JSON.parse(out)
}

/** The index just past the string literal starting at `start` (a quote), honouring escapes. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i + 1
}
