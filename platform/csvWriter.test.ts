import { describe, expect, it } from 'vitest'
import { csvFile } from './csvWriter.ts'

describe('csvFile', () => {
  const columns = [{ header: 'memo' }, { header: 'debit', number: true }]

  it('quotes cells with a comma, quote or line break (quotes doubled) and ends every row with CRLF', () => {
    expect(
      csvFile(columns, [
        ['a, "b"\nc', '1.00'],
        [null, undefined],
      ]),
    ).toBe('memo,debit\r\n"a, ""b""\nc",1.00\r\n,\r\n')
  })

  it('neutralises text that a spreadsheet would run as a formula, never a number', () => {
    const rows = [
      ['=HYPERLINK("http://x")', '-26.00'],
      ['+1', '12345678901234567.89'],
      ['@SUM(A1)', '0.30'],
      ['-2 units', '-0.30'],
      ['\tx', '1'],
    ]
    expect(csvFile(columns, rows)).toBe(
      'memo,debit\r\n"\'=HYPERLINK(""http://x"")",-26.00\r\n\'+1,12345678901234567.89\r\n\'@SUM(A1),0.30\r\n\'-2 units,-0.30\r\n\'\tx,1\r\n',
    )
  })
})
