// What a customer query must return: a `quantity` column of an exact numeric type (integers or
// Decimal; never Float, DESIGN invariant 3) and the metric's dimension columns. A result with
// a single column uses it as the quantity whatever its name.
import { Decimal as BaseDecimal } from 'decimal.js'

// NOTE: decimal.js keeps 20 significant digits by default; a Decimal(38, 9) sum needs 38.
// Addition is exact within `precision`, and toFixed never switches to exponent notation.
const Decimal = BaseDecimal.clone({ precision: 80, toExpNeg: -80, toExpPos: 80 })

export interface ColumnMeta {
  name: string
  type: string
}

const EXACT = /^(Nullable\()?(LowCardinality\()?(U?Int(8|16|32|64|128|256)|Decimal(32|64|128|256)?\(.*\))\)*$/

export function quantityColumn(columns: readonly ColumnMeta[]): ColumnMeta | undefined {
  return columns.find((c) => c.name === 'quantity') ?? (columns.length === 1 ? columns[0] : undefined)
}

export function quantityColumnProblem(columns: readonly ColumnMeta[], dimensions: readonly string[]): { code: string; message: string } | null {
  const q = quantityColumn(columns)
  if (q === undefined) {
    return {
      code: 'quantity_column_missing',
      message: `the customer query must return a column named quantity (it returns ${columns.map((c) => c.name).join(', ')})`,
    }
  }
  if (!EXACT.test(q.type)) {
    return {
      code: 'quantity_not_decimal',
      message: `quantity is ${q.type}; return an integer or Decimal (e.g. toDecimal128(x, 9); avg() is Float64, use sum(x) / count(x))`,
    }
  }
  const missing = dimensions.filter((d) => !columns.some((c) => c.name === d))
  if (missing.length > 0) return { code: 'dimension_column_missing', message: `the customer query does not return dimension column(s) ${missing.join(', ')}` }
  return null
}

/**
 * Columns named like Tally's (`__tally…`) in a result, beyond the ones Tally put there
 * (`expected`, in that order at the front), or any column name twice. A template cannot write
 * such a name (textWalls.ts), but a type can carry one (`untuple` of a named Tuple whose type
 * is a string), and a second `__tally_customer` would decide which customer a row bills.
 */
export function reservedColumnProblem(columns: readonly ColumnMeta[], expected: readonly string[]): { code: string; message: string } | null {
  const names = columns.map((c) => c.name)
  const front = names.slice(0, expected.length)
  const extra = names.slice(expected.length).filter((n) => n.toLowerCase().startsWith('__tally'))
  if (front.join('\u0000') !== expected.join('\u0000') || extra.length > 0) {
    return { code: 'reserved_name', message: `the query returns column(s) named like Tally's: ${extra.join(', ') || names.join(', ')}` }
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i)
  if (twice.length > 0) return { code: 'duplicate_column', message: `the query returns ${twice.join(', ')} more than once; give each column its own name` }
  return null
}

/** A quantity cell as an exact decimal string: quoted decimals and 64-bit ints arrive as strings, small ints as numbers, NULL as 0. */
export function quantityText(value: unknown): string {
  if (value === null || value === undefined) return '0'
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`quantity ${value} is not an exact integer`)
    return String(value)
  }
  return new Decimal(String(value)).toFixed()
}

/** Sum of decimal strings, exact. */
export function sumQuantities(values: readonly string[]): string {
  return values.reduce((acc, v) => acc.plus(v), new Decimal(0)).toFixed()
}
