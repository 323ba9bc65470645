// CSV answers of the reports: a header row, then one row per record, RFC 4180 quoting (a cell
// with a comma, quote or line break is quoted, quotes doubled), CRLF line ends. An absent value
// is an empty cell.
const cell = (value: string | null | undefined): string => {
  const text = value ?? ''
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvText(header: readonly string[], rows: readonly (readonly (string | null | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',') + '\r\n').join('')
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8'
