// Credit grants over HTTP: grant a customer a credit, top it up, void it, expire what is due,
// and read each grant with its balance, entries and draws. Each route is declared once
// (apiRoute): its schemas validate, document and shape errors. Amounts are decimal strings.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { CreditGrant, CreditGrantRepository } from '../creditGrants.ts'
import { DECIMAL } from '../invoices.ts'
import { CREDIT_ENTRY_KINDS, CREDIT_GRANT_STATUSES } from '../schema/creditGrants.ts'

const TAG = 'Credits'
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')
const amount = z
  .string({ error: 'must be a decimal string such as "100.00" (JSON numbers are not accepted)' })
  .regex(DECIMAL, { message: 'must be a decimal string such as "100.00"' })
  .describe("Greater than zero, in the currency's minor units (422 `invalid_amount`)")

export const grantCreditRequest = z.strictObject({
  amount,
  currency: z.string().optional().describe("Default: the customer's currency; the customer's or one of its contracts' (422 `currency_mismatch`)"),
  priority: z.number().int().min(0).max(1000).optional().describe('Lower draws first; default 0'),
  effective_date: date.optional().describe("First invoice date that may draw it; default today (UTC, the server's clock)"),
  expiry_date: date.nullish().describe('First invoice date that may no longer draw it (exclusive); none: never expires'),
  memo: z.string().max(500).nullish(),
})
export const topUpRequest = z.strictObject({
  amount,
  currency: z.string().optional().describe("Must be the grant's"),
  effective_date: date.optional().describe('Default today (UTC)'),
  memo: z.string().max(500).nullish(),
})
export const voidCreditRequest = z.strictObject({ reason: z.string().min(1).max(500) })
export const expireCreditsRequest = z.strictObject({
  as_of: date.optional().describe('Expire grants whose expiry date is on or before it; default today (UTC)'),
})

const creditGrantJson = z.object({
  id: z.string(),
  customer_id: z.string().describe("The customer's internal id"),
  currency: z.string(),
  amount: z.string().describe('Granted at first'),
  priority: z.number().int(),
  effective_date: z.string(),
  expiry_date: z.string().nullable(),
  status: z.enum(CREDIT_GRANT_STATUSES),
  source: z.string(),
  memo: z.string().nullable(),
  voided_at: z.string().nullable(),
  void_reason: z.string().nullable(),
  created_at: z.string(),
  balance: z.string().describe('Grant + top-ups − expire − void − every live draw'),
  entries: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(CREDIT_ENTRY_KINDS),
      amount: z.string(),
      effective_date: z.string(),
      memo: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
  draws: z
    .array(
      z.object({
        invoice_id: z.string(),
        invoice_number: z.number().int().nullable(),
        contract_id: z.string(),
        billing_date: z.string(),
        invoice_status: z.string(),
        drawn: z.string(),
        live: z.boolean().describe('False once the invoice is void: the void reversed the draw'),
      }),
    )
    .describe("Invoices' draws, oldest billing date first"),
})
const creditListJson = z.object({ data: z.array(creditGrantJson) })

export function creditGrantToJson(g: CreditGrant): z.infer<typeof creditGrantJson> {
  return {
    id: g.id,
    customer_id: g.customerId,
    currency: g.currency,
    amount: g.amount,
    priority: g.priority,
    effective_date: g.effectiveDate,
    expiry_date: g.expiryDate,
    status: g.status,
    source: g.source,
    memo: g.memo,
    voided_at: g.voidedAt,
    void_reason: g.voidReason,
    created_at: g.createdAt,
    balance: g.balance,
    entries: g.entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, effective_date: e.effectiveDate, memo: e.memo, created_at: e.createdAt })),
    draws: g.draws.map((d) => ({
      invoice_id: d.invoiceId,
      invoice_number: d.invoiceNumber,
      contract_id: d.contractId,
      billing_date: d.billingDate,
      invoice_status: d.invoiceStatus,
      drawn: d.drawn,
      live: d.live,
    })),
  }
}

const bad = { description: 'The body cannot be read as this request (`invalid_json`; `invalid_request` naming each field, e.g. a JSON number as amount)' }
const grantMissing = { description: "`credit_grant_not_found` (also another organisation's)" }
const customerParams = z.object({ externalId: z.string().describe("The customer's external id") })
const grantParams = z.object({ id: z.string().describe('The credit grant id') })

export function creditRoutes(deps: { ledger: { creditGrants: CreditGrantRepository }; clock: Clock }): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const today = () => clock.now().toISOString().slice(0, 10)
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/customers/{externalId}/credits',
      tags: [TAG],
      summary:
        "Grant a customer a credit (prepaid or promotional). Rating runs of the customer's contracts draw it: lowest priority first, then soonest expiry.",
      request: {
        params: customerParams,
        body: jsonContent(grantCreditRequest, { amount: '100.00', currency: 'USD', effective_date: '2024-03-01', expiry_date: '2025-03-01' }),
      },
      responses: {
        201: jsonAnswer('The grant', creditGrantJson),
        400: bad,
        404: { description: '`customer_not_found`' },
        422: { description: '`invalid_amount` (zero, negative, too fine); `invalid_currency`; `currency_mismatch`; `expiry_not_after_effective`' },
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const grant = await ledger.creditGrants.grant({
        orgId: requestOrg(c),
        customer: c.req.valid('param').externalId,
        amount: b.amount,
        ...(b.currency === undefined ? {} : { currency: b.currency }),
        ...(b.priority === undefined ? {} : { priority: b.priority }),
        effectiveDate: b.effective_date ?? today(),
        expiryDate: b.expiry_date ?? null,
        memo: b.memo ?? null,
        now: clock.now(),
      })
      return c.json(creditGrantToJson(grant), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/customers/{externalId}/credits',
      tags: [TAG],
      summary: "The customer's credit grants, each with its balance, entries and draws.",
      request: { params: customerParams },
      responses: { 200: jsonAnswer('Grants, oldest first', creditListJson), 404: { description: '`customer_not_found`' } },
    }),
    async (c) => c.json({ data: (await ledger.creditGrants.listForCustomer(requestOrg(c), c.req.valid('param').externalId)).map(creditGrantToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/credits/{id}',
      tags: [TAG],
      summary: 'One credit grant with its balance, entries and draws.',
      request: { params: grantParams },
      responses: { 200: jsonAnswer('The grant', creditGrantJson), 404: grantMissing },
    }),
    async (c) => c.json(creditGrantToJson(await ledger.creditGrants.get(requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/credits/{id}/top_up',
      tags: [TAG],
      summary: 'Add to an active grant (a `top_up` entry).',
      request: { params: grantParams, body: jsonContent(topUpRequest, { amount: '50.00' }) },
      responses: {
        201: jsonAnswer('The grant', creditGrantJson),
        400: bad,
        404: grantMissing,
        409: { description: '`credit_grant_void`, `credit_grant_expired` (also when it expires on or before the effective date)' },
        422: { description: '`invalid_amount`, `currency_mismatch`' },
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const grant = await ledger.creditGrants.topUp({
        orgId: requestOrg(c),
        grantId: c.req.valid('param').id,
        amount: b.amount,
        ...(b.currency === undefined ? {} : { currency: b.currency }),
        effectiveDate: b.effective_date ?? today(),
        memo: b.memo ?? null,
        now: clock.now(),
      })
      return c.json(creditGrantToJson(grant), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/credits/{id}/void',
      tags: [TAG],
      summary: 'Void a grant: a `void` entry takes its balance; no invoice rated after draws it (finalized invoices keep their draws). Idempotent.',
      request: { params: grantParams, body: jsonContent(voidCreditRequest, { reason: 'granted in error' }) },
      responses: { 200: jsonAnswer('The grant', creditGrantJson), 400: bad, 404: grantMissing },
    }),
    async (c) =>
      c.json(
        creditGrantToJson(
          await ledger.creditGrants.void({ orgId: requestOrg(c), grantId: c.req.valid('param').id, reason: c.req.valid('json').reason, now: clock.now() }),
        ),
        200,
      ),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/credits/expire',
      tags: [TAG],
      summary:
        'Expire every active grant whose expiry date is on or before `as_of`: an `expire` entry records the balance that lapsed. Invoices dated on or after the expiry never draw it anyway.',
      request: { body: jsonContent(expireCreditsRequest, { as_of: '2024-06-01' }) },
      responses: { 200: jsonAnswer('The grants expired by this call', creditListJson), 400: bad },
    }),
    async (c) =>
      c.json({ data: (await ledger.creditGrants.expire(requestOrg(c), c.req.valid('json').as_of ?? today(), clock.now())).map(creditGrantToJson) }, 200),
  )

  return app
}
