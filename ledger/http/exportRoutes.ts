// The journal export for teams whose general ledger is not synced by API: every journal line of
// a month as JSON or, with `?format=csv`, as a CSV file to import (RFC 4180, text cells
// neutralised against formula injection, amounts as the same decimal strings). The NetSuite
// CSV import files are the ERP connector's (connectors/erp/http/erpExportRoutes.ts).
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { CSV_FILE_CONTENT_TYPE, csvFile, type CsvColumn } from '../../platform/csvWriter.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'

export const journalExportQuery = z.object({
  period: z.string().describe('The month, `YYYY-MM` (entries by accounting date); anything else is 400 with detail `invalid_period`'),
  format: z.enum(['json', 'csv']).optional().describe('`csv` answers a text/csv file with a header row; JSON otherwise'),
})

const journalExportLine = z.object({
  entry_id: z.string(),
  date: z.string().describe('The accounting date, YYYY-MM-DD'),
  source: z.string().describe('What posted the entry: invoice, payment, credit_note, void, schedule_line, accrual, accrual_reversal, close'),
  source_id: z.string().describe("The Tally document's id (for a schedule line, schedule:position)"),
  line: z.number().int(),
  account_code: z.string(),
  account_name: z.string(),
  debit: z.string().describe('Decimal string in the currency’s minor units; 0.00 on the other side'),
  credit: z.string(),
  currency: z.string(),
  customer: z.string().nullable().describe("The customer's external id, when the line names one"),
  customer_name: z.string().nullable(),
  memo: z.string(),
})
export const journalExportJson = z.object({ period: z.string(), data: z.array(journalExportLine) })

/** The CSV columns, in the JSON's field order; amounts are numbers (never neutralised), the rest text. */
const COLUMNS: (CsvColumn & { field: keyof z.infer<typeof journalExportLine> })[] = [
  { header: 'entry_id', field: 'entry_id' },
  { header: 'date', field: 'date' },
  { header: 'source', field: 'source' },
  { header: 'source_id', field: 'source_id' },
  { header: 'line', field: 'line', number: true },
  { header: 'account_code', field: 'account_code' },
  { header: 'account_name', field: 'account_name' },
  { header: 'debit', field: 'debit', number: true },
  { header: 'credit', field: 'credit', number: true },
  { header: 'currency', field: 'currency' },
  { header: 'customer', field: 'customer' },
  { header: 'customer_name', field: 'customer_name' },
  { header: 'memo', field: 'memo' },
]

export function exportRoutes(deps: { ledger: Pick<Ledger, 'reports'> }): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/exports/journals',
      tags: ['Accounting exports'],
      summary:
        'Every journal line of the entries posted in a month, in posting order, with its account, customer and memo: JSON, or with `?format=csv` a file to import into a general ledger (`tally export journals`).',
      request: { query: journalExportQuery },
      responses: {
        200: {
          description: 'The month’s journal lines',
          content: { 'application/json': { schema: journalExportJson }, 'text/csv': { schema: z.string().describe('A header row, then one row per line') } },
        },
        400: { description: '`invalid_request`: a malformed period (detail `invalid_period`) or format' },
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const rows = await deps.ledger.reports.journalExport(requestOrg(c), q.period)
      const data = rows.map((r) => ({
        entry_id: r.entryId,
        date: r.date,
        source: r.source,
        source_id: r.sourceKey,
        line: r.line,
        account_code: r.accountCode,
        account_name: r.accountName,
        debit: r.debit,
        credit: r.credit,
        currency: r.currency,
        customer: r.customer,
        customer_name: r.customerName,
        memo: r.memo,
      }))
      if (q.format !== 'csv') return c.json({ period: q.period, data } satisfies z.infer<typeof journalExportJson>, 200)
      const csv = csvFile(
        COLUMNS,
        data.map((d) => COLUMNS.map((col) => (d[col.field] === null ? null : String(d[col.field])))),
      )
      return c.body(csv, 200, { 'content-type': CSV_FILE_CONTENT_TYPE, 'content-disposition': `attachment; filename="journals-${q.period}.csv"` })
    },
  )
  return app
}
