// A small RFC 4180 reader for `POST /v1/events/csv`: comma-separated, fields optionally in
// double quotes, `""` for a quote inside a quoted field, CRLF or LF line ends, a header row.

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

/** Parses CSV text into rows of fields. Blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let i = 0
  const n = text.length
  const endRow = () => {
    row.push(field)
    if (!(row.length === 1 && row[0] === '')) rows.push(row)
    row = []
    field = ''
  }
  while (i < n) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        const next = text[i]
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvSyntaxError(`unexpected character after a closing quote on line ${line}`, line)
        }
        continue
      }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    if (c === '"' && field === '') {
      quoted = true
    } else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      endRow()
      if (c === '\r' && text[i + 1] === '\n') i++
      line++
    } else {
      field += c
    }
    i++
  }
  if (quoted) throw new CsvSyntaxError(`unterminated quoted field starting before line ${line}`, line)
  if (field !== '' || row.length > 0) endRow()
  return rows
}

/** Reserved CSV columns; every other column becomes a `data` field. */
export const CSV_ENVELOPE_COLUMNS = ['raw_metric', 'customer_id', 'timestamp', 'event_id'] as const

/**
 * Turns CSV rows (header first) into event envelopes. Empty cells are left out of `data`,
 * so one file can carry events with different fields.
 */
export function csvToEvents(rows: string[][], defaultRawMetric?: string): { events: unknown[]; header: string[] } {
  const [header = [], ...body] = rows
  const events = body.map((cells) => {
    const event: Record<string, unknown> = {}
    const data: Record<string, string> = {}
    header.forEach((column, i) => {
      const cell = cells[i] ?? ''
      if ((CSV_ENVELOPE_COLUMNS as readonly string[]).includes(column)) {
        if (cell !== '') event[column] = cell
      } else if (cell !== '') {
        data[column] = cell
      }
    })
    if (event.raw_metric === undefined && defaultRawMetric !== undefined) event.raw_metric = defaultRawMetric
    event.data = data
    return event
  })
  return { events, header }
}
