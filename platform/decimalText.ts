// The one notation Tally reads as a decimal number wherever a number arrives as text: prices and
// quantities (rating), amounts (ledger), numeric fields of events (ingest) and filter values of
// the metric builder (sql). Plain decimal notation with an optional sign and exponent: "10",
// "10.0", "1e1", ".5", "5.", "+5", "-2.50". It is exactly the text ClickHouse's
// `toDecimal128OrNull` reads as a number (metering/README.md, "Numeric fields"), so a value the
// gateway takes as a number is one the rollups count, and the reverse.
// NOTE: no hex, no "Infinity", no "NaN", no spaces, no thousands separators: decimal.js accepts
// "0x10" and "Infinity", which must never be a price.
export const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** Whether a value is a string in decimal notation (checked before any parse). */
export function isDecimalText(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_TEXT.test(value)
}
