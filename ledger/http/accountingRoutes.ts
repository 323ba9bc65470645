// The accounting endpoints: the chart of accounts and product revenue accounts, journal entries
// and an invoice's journal trail, and accounting periods (close, audited reopen). The reports
// are reportRoutes.ts. Each route is declared once (apiRoute): the schemas validate, document
// and shape errors. Time comes from the caller's clock, never the machine's.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestActor } from '../../platform/http/requestActor.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { ClosePeriodRequest, ClosePeriodSummary } from '../accounting/closePeriod.ts'
import type { Ledger } from '../ledger.ts'
import { accountToJson, entryToJson, mappingToJson, periodEventToJson, periodToJson, unseededAccountToJson } from './accountingJson.ts'
import {
  accountJson,
  accountListJson,
  closeJson,
  createAccountRequest,
  encodeJournalCursor,
  journalListJson,
  journalQuery,
  mapProductRequest,
  periodJson,
  periodListJson,
  periodParams,
  productMappingJson,
  productParams,
  reopenRequest,
} from './accountingSchemas.ts'
import { invoiceParams } from './invoiceSchemas.ts'

/** The repositories the accounting routes read and write. */
export type AccountingLedger = Pick<Ledger, 'accounts' | 'journals' | 'periods' | 'invoices'>

export interface AccountingRouteDeps {
  ledger: AccountingLedger
  /** "Now" of closes and reopens: a month can be closed once it has ended. */
  clock: Clock
  /** Posts the month's recognition, then locks it (accounting/closePeriod.ts over the ledger's database). */
  closePeriod(input: ClosePeriodRequest): Promise<ClosePeriodSummary>
}

const ACCOUNTING_TAG = 'Accounting'
const bad = { description: 'The request cannot be read (`invalid_json`, `invalid_request`; details name each field)' }

export function accountingRoutes(deps: AccountingRouteDeps): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/accounts',
      tags: [ACCOUNTING_TAG],
      summary:
        "The organisation's chart of accounts in code order and the products mapped to their own revenue accounts. Reading writes nothing: until the default chart is seeded (at the first posting, or the first change to the chart), its accounts are listed with `seeded: false`, as they will be seeded.",
      responses: { 200: jsonAnswer('The chart of accounts', accountListJson) },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const [chart, mappings] = await Promise.all([ledger.accounts.chart(orgId), ledger.accounts.productMappings(orgId)])
      const data = [...chart.accounts.map(accountToJson), ...chart.unseeded.map(unseededAccountToJson)].sort((a, b) =>
        a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
      )
      return c.json({ data, product_revenue_accounts: mappings.map(mappingToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/accounting/accounts',
      tags: [ACCOUNTING_TAG],
      summary: 'Add an account to the chart (e.g. a revenue account of its own for a product line).',
      request: { body: jsonContent(createAccountRequest, { code: '4050', name: 'Support revenue', type: 'revenue', role: 'revenue_subscription' }) },
      responses: {
        201: jsonAnswer('The account', accountJson),
        400: bad,
        409: { description: '`account_exists` (the code), `account_role_taken` (a non-revenue role has its account)' },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const now = clock.now()
      await ledger.accounts.ensureChart(orgId, now)
      const account = await ledger.accounts.create({ orgId, code: b.code, name: b.name, type: b.type, role: b.role ?? null, now })
      return c.json(accountToJson(account), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'put',
      path: '/v1/accounting/products/{product_id}/revenue-account',
      tags: [ACCOUNTING_TAG],
      summary: "Map a product to the revenue account its lines credit (and optionally how its revenue is recognised); replaces the product's mapping.",
      request: { params: productParams, body: jsonContent(mapProductRequest, { account_code: '4050', method: 'ratable_daily' }) },
      responses: {
        200: jsonAnswer('The mapping', productMappingJson),
        400: bad,
        404: { description: '`product_not_found`' },
        422: {
          description:
            '`account_not_found` (not in the chart, or archived), `account_not_revenue`; field `account_code`. `accrue_usage_not_usage`: accrue_usage on revenue not recognised as usage',
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const now = clock.now()
      await ledger.accounts.ensureChart(orgId, now)
      const mapping = await ledger.accounts.mapProduct({
        orgId,
        productId: c.req.valid('param').product_id,
        accountCode: b.account_code,
        method: b.method ?? null,
        accrueUsage: b.accrue_usage ?? false,
        now,
      })
      return c.json(mappingToJson(mapping), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/journal-entries',
      tags: [ACCOUNTING_TAG],
      summary:
        'Posted journal entries with their lines, in posting order (accounting date, then when posted). Entries never change; a correction reverses. With `limit`, a page at a time by `cursor` (keyset: an entry posted later into an earlier date is not on pages already read).',
      request: { query: journalQuery },
      responses: { 200: jsonAnswer('Journal entries', journalListJson), 400: bad },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const filters = { from: q.from, to: q.to, sourceKind: q.source_kind, after: q.cursor }
      if (q.limit === undefined) return c.json({ data: (await ledger.journals.list(requestOrg(c), filters)).map(entryToJson) }, 200)
      // One more than the page tells whether another follows.
      const entries = await ledger.journals.list(requestOrg(c), { ...filters, limit: q.limit + 1 })
      const page = entries.slice(0, q.limit)
      const last = page[page.length - 1]
      const next = entries.length > q.limit && last !== undefined ? encodeJournalCursor(last) : null
      return c.json({ data: page.map(entryToJson), next_cursor: next }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/invoices/{id}/journal',
      tags: [ACCOUNTING_TAG],
      summary: "An invoice's journal trail: every entry with a line naming it (finalize, payments, credit notes, recognition, void), in posting order.",
      request: { params: invoiceParams },
      responses: { 200: jsonAnswer('The entries', journalListJson), 404: { description: "`invoice_not_found` (also for another organisation's invoice)" } },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const invoice = await ledger.invoices.get(orgId, c.req.valid('param').id)
      return c.json({ data: (await ledger.journals.entryTrail(orgId, invoice.id)).map(entryToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/accounting/periods',
      tags: [ACCOUNTING_TAG],
      summary: 'Months ever closed with their state, and the audit trail of every close and reopen.',
      responses: { 200: jsonAnswer('Periods and their events', periodListJson) },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const [periods, events] = await Promise.all([ledger.periods.list(orgId), ledger.periods.events(orgId)])
      return c.json({ data: periods.map(periodToJson), events: events.map(periodEventToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/accounting/periods/{period}/close',
      tags: [ACCOUNTING_TAG],
      summary:
        "Close a month that has ended: accrue usage consumed and not invoiced yet of products mapped with accrue_usage, post its revenue recognition (idempotently: one entry per accrual and per schedule line), then lock it; entries dated into it afterwards post on the first day of the first open month. Closing a closed month posts nothing and answers the month's summary with `already_closed`.",
      request: { params: periodParams },
      responses: {
        200: jsonAnswer('The closed month and what it recognised', closeJson),
        400: { description: '`invalid_request`: a malformed period (detail `invalid_period`)' },
        422: { description: '`period_not_ended`: the month has not ended yet by the server clock; nothing is written' },
        503: { description: '`usage_accrual_unavailable` (this process cannot rate usage), `metric_unavailable` (a metric run failed); nothing is written' },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { period } = c.req.valid('param')
      const summary = await deps.closePeriod({ orgId, period, at: clock.now(), actor: requestActor(c) })
      const state = await ledger.periods.status(orgId, period)
      return c.json(
        {
          ...periodToJson(state),
          recognised_lines: summary.recognisedLines,
          entries_posted: summary.entriesPosted,
          recognised: summary.amounts,
          accruals_posted: summary.accruals.entries,
          accrued: summary.accruals.amounts,
          already_closed: summary.alreadyClosed,
        },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/accounting/periods/{period}/reopen',
      tags: [ACCOUNTING_TAG],
      summary:
        'Reopen a closed month, with the reason (recorded with who and when). Entries may then post into it again; close it again to lock it. Reopening an open month answers it unchanged.',
      request: { params: periodParams, body: jsonContent(reopenRequest, { reason: 'late usage from a backfilled source' }) },
      responses: {
        200: jsonAnswer('The month', periodJson),
        400: { description: '`invalid_request`: a malformed period (detail `invalid_period`), no reason (detail `reason_required`)' },
      },
    }),
    async (c) => {
      const period = await ledger.periods.reopen({
        orgId: requestOrg(c),
        period: c.req.valid('param').period,
        reason: c.req.valid('json').reason,
        at: clock.now(),
        actor: requestActor(c),
      })
      return c.json(periodToJson(period), 200)
    },
  )

  return app
}
