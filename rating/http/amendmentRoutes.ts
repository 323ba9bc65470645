// Contract amendments over HTTP (issue 17): add a phase, edit or delete a future one, change the
// end date, terminate now, at the period's end or on a date, with or without proration; the
// versioned history; and a preview of any of them with the invoice it lands on. Every change goes
// through ledger/contractAmendments.ts (one transaction under the contract's lock, audited with
// the request's principal and this process's clock) and rating's billed-period rule
// (execute/contractChange.ts). A change inside a period billed in advance is prorated on the
// next invoice (execute/midPeriodProration.ts).
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AmendmentChange, CatalogStore, Contract, ContractItem, RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { UnavailableError } from '../../platform/errors.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestActor } from '../../platform/http/requestActor.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { periodsFrom } from '../compute/calendar/billingPeriods.ts'
import { zonedToday } from '../compute/calendar/zonedToday.ts'
import { previewContractInvoice } from '../execute/previewInvoice.ts'
import type { QuantitySource } from '../execute/quantitySource.ts'
import {
  amendmentChangeSchema,
  amendmentListJson,
  amendmentPreviewJson,
  amendmentToJson,
  endDateRequest,
  phaseEditRequest,
  phaseParams,
  terminateRequest,
  type AmendmentRequest,
} from './amendmentSchemas.ts'
import { billingBodyHook } from './billingBodyHook.ts'
import { contractJson, idParams, phaseSchema } from './billingSchemas.ts'
import { checkPricing, contractToJson, listPath } from './catalogRoutes.ts'
import { contractPreviewToJson } from './invoicePreviewRoutes.ts'

const TAG = 'Contracts'

export interface AmendmentRouteDeps {
  ledger: Pick<CatalogStore, 'contractAmendments' | 'contracts' | 'products'> &
    Pick<RatingStore, 'contracts' | 'products' | 'invoices' | 'currencies' | 'creditGrants' | 'charges'>
  clock: Clock
  /** Absent in processes that do not reach ClickHouse: no amendment previews there. */
  quantities?: QuantitySource
}

const answers = {
  200: jsonAnswer('The contract as amended', contractJson),
  400: { description: '`invalid_json`; `invalid_request` naming each field (a date that is not a calendar date, an unknown field)' },
  404: { description: '`contract_not_found`, `phase_not_found`' },
  409: { description: '`phase_exists`: a phase already starts on that date' },
  422: {
    description:
      'What the contract cannot become, with the field: `phase_in_billed_period` / `end_in_billed_period` (a change of what a finalized invoice billed that no open invoice can prorate: its arrears, or an in-advance period whose next invoice is final too), `phase_not_future` (edits and deletions touch phases that start after today), `end_date_not_after_start`, `phase_start_mismatch`, `phases_out_of_order`, `phase_after_end`, `currency_mismatch`, `metered_in_advance`, `product_not_found`, `invalid_price_definition`',
  },
}

/** The end of the billing period `today` falls in. */
function periodEndOf(contract: Contract, today: string): string {
  for (const period of periodsFrom(contract)) if (period.end > today) return period.end
  throw new Error('periods never end')
}

/** The ledger's change for a request, with the API's words resolved (`now`, `period_end`, an edit's unchanged fields). */
function changeOf(contract: Contract, req: AmendmentRequest, today: string): AmendmentChange {
  switch (req.kind) {
    case 'end_date':
      return { kind: 'end_date', endDate: req.end_date, ...(req.renewal === undefined ? {} : { renewal: req.renewal }) }
    case 'terminate': {
      const endDate = req.at === 'now' ? today : req.at === 'period_end' ? periodEndOf(contract, today) : req.at
      return { kind: 'terminate', endDate, proration: req.proration }
    }
    case 'phase_added':
      return { kind: 'phase_added', phase: { start_date: req.start_date, items: req.items as ContractItem[] } }
    case 'phase_edited': {
      const phase = contract.phases.find((p) => p.start_date === req.start)
      const items = (req.items as ContractItem[] | undefined) ?? phase?.items ?? []
      return { kind: 'phase_edited', startDate: req.start, phase: { start_date: req.start_date ?? req.start, items } }
    }
    case 'phase_deleted':
      return { kind: 'phase_deleted', startDate: req.start }
  }
}

export function amendmentRoutes(deps: AmendmentRouteDeps): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()

  async function amend(c: Context<AppEnv>, contractId: string, req: AmendmentRequest, dryRun = false) {
    const orgId = requestOrg(c)
    const contract = await ledger.contracts.get(orgId, contractId)
    if ('items' in req && req.items !== undefined) await checkPricing(ledger, orgId, contract.currency, req.items as ContractItem[], listPath('items'))
    const now = clock.now()
    const today = zonedToday(now, contract.timeZone)
    const { kind: _kind, ...request } = req
    return ledger.contractAmendments.amend({ orgId, contractId, change: changeOf(contract, req, today), request, actor: requestActor(c), now, today, dryRun })
  }

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/contracts/{id}/phases',
      tags: [TAG],
      summary:
        'Add a phase (replace prices from a date): its products and prices from its start date until the next phase starts (later phases stay). Inside a period a finalized invoice billed in advance, the next invoice credits the unused days of the old fees and bills the new ones for the rest (preview first: POST /v1/contracts/:id/amendments/preview). Recorded as an amendment.',
      request: { params: idParams, body: jsonContent(phaseSchema) },
      responses: answers,
    }),
    async (c) => {
      const b = c.req.valid('json')
      const done = await amend(c, c.req.valid('param').id, { kind: 'phase_added', ...b })
      return c.json(contractToJson(done.contract), 200)
    },
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'patch',
      path: '/v1/contracts/{id}',
      tags: [TAG],
      summary: "Change a contract's end date (and renewal). Recorded as an amendment.",
      request: { params: idParams, body: jsonContent(endDateRequest, { end_date: '2026-06-30', renewal: 'end' }) },
      responses: answers,
    }),
    async (c) => c.json(contractToJson((await amend(c, c.req.valid('param').id, { kind: 'end_date', ...c.req.valid('json') })).contract), 200),
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/contracts/{id}/terminate',
      tags: [TAG],
      summary:
        'Terminate a contract now (today in its zone), at the end of the current period, or on a date: billing stops there (renewal `end`). With `proration: prorate` (default) the unused days of a period billed in advance are credited on the next invoice; `none` keeps what was billed. Recorded as an amendment.',
      request: { params: idParams, body: jsonContent(terminateRequest, { at: 'now', proration: 'prorate' }) },
      responses: answers,
    }),
    async (c) => c.json(contractToJson((await amend(c, c.req.valid('param').id, { kind: 'terminate', ...c.req.valid('json') })).contract), 200),
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'patch',
      path: '/v1/contracts/{id}/phases/{start}',
      tags: [TAG],
      summary: 'Edit a future phase (one starting after today): its items, or its start date. Recorded as an amendment.',
      request: { params: phaseParams, body: jsonContent(phaseEditRequest) },
      responses: answers,
    }),
    async (c) => {
      const { id, start } = c.req.valid('param')
      return c.json(contractToJson((await amend(c, id, { kind: 'phase_edited', start, ...c.req.valid('json') })).contract), 200)
    },
    billingBodyHook,
  )

  app.openapi(
    apiRoute({
      method: 'delete',
      path: '/v1/contracts/{id}/phases/{start}',
      tags: [TAG],
      summary: 'Delete a future phase: the phase before it runs on. Recorded as an amendment.',
      request: { params: phaseParams },
      responses: answers,
    }),
    async (c) => {
      const { id, start } = c.req.valid('param')
      return c.json(contractToJson((await amend(c, id, { kind: 'phase_deleted', start })).contract), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/contracts/{id}/amendments',
      tags: [TAG],
      summary: 'Every amendment of a contract, oldest first: version, who (API key id or admin), when, the request, and the amended parts before and after.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('Amendments', amendmentListJson), 404: { description: '`contract_not_found`' } },
    }),
    async (c) => c.json({ data: (await ledger.contractAmendments.list(requestOrg(c), c.req.valid('param').id)).map(amendmentToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/contracts/{id}/amendments/preview',
      tags: [TAG],
      summary:
        "Preview an amendment without writing anything: every check the change itself runs, the contract's amended parts, and the upcoming invoice priced with the amended contract from real usage (its `proration` lines are the credit and charge of a change inside a period billed in advance).",
      request: {
        params: idParams,
        body: jsonContent(amendmentChangeSchema, { kind: 'phase_added', start_date: '2026-01-16', items: [] }),
      },
      responses: {
        ...answers,
        200: jsonAnswer('The amended contract and the invoice it lands on', amendmentPreviewJson),
        503: { description: '`metric_unavailable`: a metric run failed, or this process does not reach ClickHouse' },
      },
    }),
    async (c) => {
      if (deps.quantities === undefined)
        throw new UnavailableError('metric_unavailable', 'this process does not reach ClickHouse: ask a tally start process', 30)
      const orgId = requestOrg(c)
      const planned = await amend(c, c.req.valid('param').id, c.req.valid('json'), true)
      const after = {
        end_date: planned.contract.endDate,
        renewal: planned.contract.renewal,
        end_proration: planned.contract.endProration,
        phases: planned.contract.phases,
      }
      const invoice = await previewContractInvoice(
        { ledger, quantities: deps.quantities },
        { orgId, contractId: planned.contract.id, asOf: clock.now(), contract: planned.contract },
      ).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'no_upcoming_invoice') return null
        throw err
      })
      return c.json({ after, invoice: invoice === null ? null : contractPreviewToJson(invoice) }, 200)
    },
    billingBodyHook,
  )

  return app
}
