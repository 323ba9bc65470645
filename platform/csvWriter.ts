// CSV files meant to be opened in a spreadsheet or imported into an ERP (the journal exports,
// NetSuite's CSV import): RFC 4180 (a cell with a comma, quote or line break is quoted, quotes
// doubled; CRLF line ends; an absent value is an empty cell), and text cells neutralised
// against formula injection: a text cell that a spreadsheet would read as a formula (starting
// with = + - @, a tab or a carriage return) gets a leading apostrophe, as OWASP advises. Number
// columns are written as they are: -26.00 is an amount, not a formula, and an importer must
// read it as one.

export interface CsvColumn {
  header: string
  /** Decimal amounts and quantities: written verbatim, never neutralised. */
  number?: boolean
}

const FORMULA_START = /^[=+\-@\t\r]/

function cell(value: string | null | undefined, isNumber: boolean): string {
  const raw = value ?? ''
  const text = !isNumber && FORMULA_START.test(raw) ? `'${raw}` : raw
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A header row, then one row per record (values in the columns' order). */
export function csvFile(columns: readonly CsvColumn[], rows: readonly (readonly (string | null | undefined)[])[]): string {
  const header = columns.map((c) => cell(c.header, false)).join(',') + '\r\n'
  return header + rows.map((row) => columns.map((c, i) => cell(row[i], c.number === true)).join(',') + '\r\n').join('')
}

export const CSV_FILE_CONTENT_TYPE = 'text/csv; charset=utf-8'
