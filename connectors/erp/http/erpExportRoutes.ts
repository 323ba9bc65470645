// The ERP import files over HTTP, for teams without API access: NetSuite CSV import files of a
// month (journal or invoice layout), named with a NetSuite connection's internal ids when one is
// given, else with Tally's codes. The generic journal export is the ledger's
// (ledger/http/exportRoutes.ts).
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { CSV_FILE_CONTENT_TYPE } from '../../../platform/csvWriter.ts'
import { UnprocessableError } from '../../../platform/errors.ts'
import { apiApp } from '../../../platform/http/apiApp.ts'
import { apiRoute } from '../../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../../platform/http/appEnv.ts'
import { requestOrg } from '../../../platform/http/requestOrg.ts'
import type { ErpStore } from '../../../ledger/erpStore.ts'
import { connectionNames, DATE_FORMATS, invoiceImportCsv, journalImportCsv, tallyNames, type CsvNames } from '../netsuite/csvImport.ts'
import { mappingConfigOf } from '../netsuite/connection.ts'
import { NetSuiteMappingError, netsuiteMapping } from '../netsuite/mapping.ts'

export const netsuiteCsvQuery = z.object({
  layout: z.enum(['journal', 'invoice']).describe('`journal`: journal entries, one row per line; `invoice`: invoices, one row per item line'),
  period: z.string().describe('The month, `YYYY-MM` (by accounting date); anything else is 400 with detail `invalid_period`'),
  connection: z.string().optional().describe('A NetSuite connection whose account map, items, currencies and subsidiary name the records (its internal ids)'),
  subsidiary: z.string().max(200).optional().describe('Without a connection: the Subsidiary column (name or internal id); empty by default'),
  date_format: z.enum(DATE_FORMATS).optional().describe("The account's date format preference; default MM/DD/YYYY"),
})

export function erpExportRoutes(deps: { erp: ErpStore }): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/exports/netsuite-csv',
      tags: ['Accounting exports'],
      summary:
        "A NetSuite CSV import file of a month: journal entries (the entries the API sync sends as journals) or invoices, one row per line, each document's External ID repeated on its rows (the same external id the API sync writes). `tally export netsuite`.",
      request: { query: netsuiteCsvQuery },
      responses: {
        200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string().describe('A header row, then one row per line') } } },
        400: { description: '`invalid_request`: a malformed period (detail `invalid_period`), layout or date format' },
        404: { description: '`erp_connection_not_found`' },
        422: {
          description:
            '`erp_type_mismatch` (the connection is not NetSuite); `unmapped_account`, `unmapped_item`, `unmapped_currency` (the connection cannot name a record); `negative_total` (the invoice layout: an invoice of the month totals below zero, which NetSuite does not take)',
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const q = c.req.valid('query')
      const documents = await deps.erp.exports.documentsInPeriod(orgId, q.period)
      let names: CsvNames = tallyNames(q.subsidiary ?? '')
      if (q.connection !== undefined) {
        const connection = await deps.erp.connections.get(orgId, q.connection)
        if (connection.type !== 'netsuite') throw new UnprocessableError('erp_type_mismatch', `connection ${connection.id} is ${connection.type}, not NetSuite`)
        names = connectionNames(netsuiteMapping(mappingConfigOf(connection)))
      }
      const dateFormat = q.date_format ?? 'MM/DD/YYYY'
      let csv: string
      try {
        csv =
          q.layout === 'journal'
            ? journalImportCsv(documents.journals, names, dateFormat)
            : invoiceImportCsv(documents.invoices, documents.customers, names, dateFormat)
      } catch (error) {
        if (error instanceof NetSuiteMappingError) throw new UnprocessableError(error.code, error.message)
        throw error
      }
      const filename = `netsuite-${q.layout}s-${q.period}.csv`
      return c.body(csv, 200, { 'content-type': CSV_FILE_CONTENT_TYPE, 'content-disposition': `attachment; filename="${filename}"` })
    },
  )
  return app
}
