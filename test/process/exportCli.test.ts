// `tally export journals|netsuite` through the real binary against a real `tally start`: the
// files are the API's bytes (CRLF rows kept on stdout, written as they are with --out), JSON on
// request, and a malformed period or layout refused with the API's code. What the files hold is
// proved over HTTP (ledger/http/exportRoutes.test.ts, test/erp/netsuite/netsuiteCsv.test.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTallyCli } from '../support/tallyCli.ts'

const t = useTallyCli({ org: '7c1f0e52-3a4b-4c8d-9e0f-1a2b3c4d5e6f', env: { TALLY_CLOCK: '2026-12-05T00:00:00Z' } })
const { cli } = t

const JOURNAL_HEADER = 'entry_id,date,source,source_id,line,account_code,account_name,debit,credit,currency,customer,customer_name,memo\r\n'

describe('tally export', () => {
  it('journals: CSV to stdout byte for byte, to a file with --out, JSON with --format json', async () => {
    const csv = await cli(['export', 'journals', '--period', '2026-11'])
    expect([csv.code, csv.stdout]).toEqual([0, JOURNAL_HEADER])
    const file = join(t.dir, 'journals.csv')
    const written = await cli(['export', 'journals', '--period', '2026-11', '--out', file])
    expect(written.stdout).toBe(`Wrote ${file} (${JOURNAL_HEADER.length} bytes)\n`)
    expect(readFileSync(file, 'utf8')).toBe(JOURNAL_HEADER)
    const json = await cli(['export', 'journals', '--period', '2026-11', '--format', 'json'])
    expect(JSON.parse(json.stdout)).toEqual({ period: '2026-11', data: [] })
  })

  it('netsuite: the layout asked for; a malformed period or layout is the API refusing with its code', async () => {
    const invoices = await cli(['export', 'netsuite', '--layout', 'invoice', '--period', '2026-11', '--subsidiary', 'Parent Co'])
    expect(invoices.stdout).toBe(
      'External ID,Invoice Number,Customer,Customer Name,Date,Due Date,Subsidiary,Currency,Memo,Item,Description,Quantity,Rate,Amount,Tax Amount\r\n',
    )
    const period = await cli(['export', 'journals', '--period', '2026-13'])
    expect(period.code).toBe(1)
    expect(`${period.stdout}${period.stderr}`).toContain('Error 400 invalid_request')
    expect(`${period.stdout}${period.stderr}`).toContain('invalid_period')
    const layout = await cli(['export', 'netsuite', '--layout', 'bill', '--period', '2026-11'])
    expect([layout.code, `${layout.stdout}${layout.stderr}`.includes('Error 400 invalid_request')]).toEqual([1, true])
  })
})
