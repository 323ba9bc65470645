// The accounting reports over HTTP: trial balance, deferred revenue waterfall, revenue by
// product / customer / month, AR aging. Each answers JSON, or CSV with `?format=csv` (a header
// row, then the same rows; amounts as the same decimal strings). "Today" is the caller's clock.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'
import { arAgingJson, asOfQuery, revenueJson, revenueQuery, trialBalanceJson, waterfallJson, waterfallQuery } from './accountingSchemas.ts'
import { CSV_CONTENT_TYPE, csvText } from './csvText.ts'

export interface ReportRouteDeps {
  ledger: Pick<Ledger, 'journals' | 'reports'>
  /** Today, when `as_of` is not given. */
  clock: Clock
}

const REPORTS_TAG = 'Accounting reports'
const bad = { description: '`invalid_request`: a malformed date, month, group or format (details name the field); `to` before `from`' }

/** The 200 answer of a report: its JSON, or CSV with a header row. */
const reportResponse = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string().describe('A header row, then one row per JSON row') } },
})

/** A report's answer: `json`, and its table for CSV (the `columns` named in the header row, each row's values by those keys). */
interface ReportAnswer {
  json: object
  columns: readonly string[]
  rows: readonly object[]
}

/** What every report answers: its JSON, or with `?format=csv` its table as CSV. */
function answerReport(c: Context<AppEnv>, format: 'json' | 'csv' | undefined, answer: ReportAnswer) {
  if (format !== 'csv') return c.json(answer.json, 200)
  const rows = answer.rows.map((r) => answer.columns.map((k) => (r as Record<string, string | null | undefined>)[k]))
  return c.body(csvText(answer.columns, rows), 200, { 'content-type': CSV_CONTENT_TYPE })
}

export function reportRoutes(deps: ReportRouteDeps): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()
  const today = () => clock.now().toISOString().slice(0, 10)

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/reports/trial-balance',
      tags: [REPORTS_TAG],
      summary: 'Debits, credits and balance per account and currency of the entries posted on or before `as_of`; per currency the balances sum to zero.',
      request: { query: asOfQuery },
      responses: { 200: reportResponse('The trial balance', trialBalanceJson), 400: bad },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const asOf = q.as_of ?? today()
      const rows = await ledger.journals.trialBalance(requestOrg(c), asOf)
      const body: z.infer<typeof trialBalanceJson> = { as_of: asOf, data: rows }
      return answerReport(c, q.format, { json: body, columns: ['account', 'name', 'type', 'currency', 'debits', 'credits', 'balance'], rows })
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/reports/deferred-revenue',
      tags: [REPORTS_TAG],
      summary:
        'The deferred revenue waterfall: a row per revenue schedule (void invoices left out), a column per month with what it recognises then, and a total row per currency. CSV: the months are columns; total rows have `schedule_id` "total".',
      request: { query: waterfallQuery },
      responses: { 200: reportResponse('The waterfall', waterfallJson), 400: bad },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const w = await ledger.reports.deferredRevenue(requestOrg(c), { from: q.from, to: q.to })
      const body: z.infer<typeof waterfallJson> = {
        months: w.months,
        data: w.rows.map((r) => ({
          schedule_id: r.scheduleId,
          invoice_id: r.invoiceId,
          product_id: r.productId,
          product: r.productName,
          method: r.method,
          currency: r.currency,
          amount: r.amount,
          recognised: r.recognised,
          deferred: r.deferred,
          months: r.cells,
        })),
        totals: w.totals.map((t) => ({ currency: t.currency, amount: t.amount, recognised: t.recognised, deferred: t.deferred, months: t.cells })),
      }
      // CSV: the months are columns; the total rows have schedule_id "total".
      const columns = ['schedule_id', 'invoice_id', 'product_id', 'product', 'method', 'currency', 'amount', 'recognised', 'deferred', ...w.months]
      const flat = [...body.data, ...body.totals.map((t) => ({ schedule_id: 'total', ...t }))].map(({ months, ...r }) => ({ ...r, ...months }))
      return answerReport(c, q.format, { json: body, columns, rows: flat })
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/reports/revenue',
      tags: [REPORTS_TAG],
      summary:
        'Revenue by product, customer or month: revenue account credits minus debits of the entries posted in [from, to], per currency. Discounts (contra-revenue) are not in it.',
      request: { query: revenueQuery },
      responses: { 200: reportResponse('Revenue per group and currency', revenueJson), 400: bad },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const groupBy = q.group_by ?? 'product'
      const rows = await ledger.reports.revenue(requestOrg(c), { from: q.from, to: q.to, groupBy })
      const body: z.infer<typeof revenueJson> = {
        from: q.from,
        to: q.to,
        group_by: groupBy,
        data: rows.map((r) => ({ group: r.group, name: r.name, currency: r.currency, revenue: r.revenue })),
      }
      // CSV: the group column is named for the grouping.
      const table = body.data.map(({ group, ...r }) => ({ [groupBy]: group, ...r }))
      return answerReport(c, q.format, { json: body, columns: [groupBy, 'name', 'currency', 'revenue'], rows: table })
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/reports/ar-aging',
      tags: [REPORTS_TAG],
      summary:
        'Accounts receivable aging as of a date: open invoice balances (finalized by then, not void, less the payments and credit notes by then) per customer and currency, by days past the due date: current, 1–30, 31–60, 61–90, over 90.',
      request: { query: asOfQuery },
      responses: { 200: reportResponse('The aging', arAgingJson), 400: bad },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const asOf = q.as_of ?? today()
      const data = (await ledger.reports.arAging(requestOrg(c), asOf)).map((r) => ({
        customer_id: r.customerId,
        customer: r.customer,
        customer_name: r.customerName,
        currency: r.currency,
        current: r.current,
        days_1_30: r.days1To30,
        days_31_60: r.days31To60,
        days_61_90: r.days61To90,
        days_over_90: r.over90,
        total: r.total,
      }))
      const body: z.infer<typeof arAgingJson> = { as_of: asOf, data }
      const columns = ['customer_id', 'customer', 'customer_name', 'currency', 'current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90', 'total']
      return answerReport(c, q.format, { json: body, columns, rows: data })
    },
  )

  return app
}
