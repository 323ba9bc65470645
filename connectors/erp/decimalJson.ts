// Where a Tally decimal string becomes a JSON number. ERP APIs (Xero, QuickBooks) want amounts
// as JSON numbers and read them into decimal types on their side (Xero: .NET `decimal`), so the
// digits we send are the digits they book. JSON.stringify would need a JS number first, and a
// float cannot hold 12345678901234.56 or 0.3 (0.1 + 0.2) exactly, so amounts never become one:
// a `JsonDecimal` carries the decimal's own text and `toDecimalJson` writes that text as the raw
// number token. A JS number anywhere in a body is refused (DESIGN invariant 3).
import { Dec } from '../../platform/decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'

/** A decimal written to JSON as a number token spelled exactly as the decimal. */
export class JsonDecimal {
  /** Plain notation (`toFixed()`: no exponent, no trailing zeros), which is valid JSON number grammar. */
  readonly text: string

  constructor(value: string) {
    if (!isDecimalText(value)) throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`)
    this.text = new Dec(value).toFixed()
  }
}

/** JSON text of a body whose numbers are all `JsonDecimal`s; `undefined` properties are left out, as JSON.stringify does. */
export function toDecimalJson(value: unknown): string {
  if (value instanceof JsonDecimal) return value.text
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(toDecimalJson).join(',')}]`
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toDecimalJson(v)}`)
    return `{${members.join(',')}}`
  }
  throw new TypeError(`toDecimalJson: a ${typeof value} cannot go on the wire; amounts and quantities are JsonDecimal`)
}
