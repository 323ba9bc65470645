import { describe, expect, it } from 'vitest'
import { csvToEvents, CsvSyntaxError, parseCsv } from './csv.ts'

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, CRLF and blank lines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ])
  })

  it('keeps newlines inside quotes', () => {
    expect(parseCsv('a\n"line1\nline2"')).toEqual([['a'], ['line1\nline2']])
  })

  it('rejects an unterminated quote with its line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError)
  })
})

describe('csvToEvents', () => {
  it('maps envelope columns and turns the rest into data, leaving out empty cells', () => {
    const rows = parseCsv('customer_id,timestamp,cpu,region\nacme,2023-05-21 09:30:38.731,5,\n')
    expect(csvToEvents(rows, 'api_calls').events).toEqual([
      { customer_id: 'acme', timestamp: '2023-05-21 09:30:38.731', raw_metric: 'api_calls', data: { cpu: '5' } },
    ])
  })
})
