// Tax rates (ledger/tax/README.md): POST and GET /v1/tax-rates, GET /v1/tax-rates/:id, archive,
// and a product's own rate (PUT /v1/products/:id/tax-rate). A customer's default rate, tax id,
// reverse charge and address are fields of the customer routes.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { TaxRate, TaxRateRepository } from '../tax/taxRates.ts'
import { createTaxRateRequest, taxRateJson } from './taxRateSchemas.ts'

const TAG = 'Tax rates'

const taxRateListJson = z.object({ data: z.array(taxRateJson) })
const idParams = z.object({ id: z.string().describe('Tax rate id') })
const productParams = z.object({ id: z.string().describe('Product id') })
const productRateRequest = z.strictObject({ tax_rate: z.string().nullable().describe("A live tax rate's id; null: the customer's rate applies") })

export function taxRateToJson(r: TaxRate): z.infer<typeof taxRateJson> {
  return {
    id: r.id,
    name: r.name,
    percentage: r.percentage,
    type: r.inclusive ? 'inclusive' : 'exclusive',
    jurisdiction: r.jurisdiction,
    description: r.description,
    archived_at: r.archivedAt,
    created_at: r.createdAt,
  }
}

export function taxRateRoutes(deps: { ledger: { taxRates: TaxRateRepository }; clock: Clock }): OpenAPIHono<AppEnv> {
  const { ledger, clock } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/tax-rates',
      tags: [TAG],
      summary: 'Declare a tax rate. Rates never change: to change a percentage, archive the rate and declare another.',
      request: { body: jsonContent(createTaxRateRequest, { name: 'UK VAT 20%', percentage: '20', type: 'exclusive', jurisdiction: 'GB' }) },
      responses: {
        201: jsonAnswer('Declared', taxRateJson),
        400: {
          description:
            'Invalid body (`invalid_request` naming `name`, `percentage` or `jurisdiction`: `invalid_name`, `invalid_percentage`, `invalid_jurisdiction`)',
        },
        409: {
          description:
            'The organisation has a rate of this name (`tax_rate_exists`), or a live rate of this jurisdiction (`tax_rate_jurisdiction_taken`: archive it first)',
        },
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const rate = await ledger.taxRates.create({
        orgId: requestOrg(c),
        name: body.name,
        percentage: body.percentage,
        inclusive: body.type === 'inclusive',
        jurisdiction: body.jurisdiction,
        description: body.description,
        now: clock.now(),
      })
      return c.json(taxRateToJson(rate), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/tax-rates',
      tags: [TAG],
      summary: "The organisation's tax rates in creation order; archived ones with `archived=true`.",
      request: { query: z.object({ archived: z.enum(['true', 'false']).optional() }) },
      responses: { 200: jsonAnswer('Tax rates', taxRateListJson) },
    }),
    async (c) => {
      const rates = await ledger.taxRates.list(requestOrg(c), { archived: c.req.valid('query').archived === 'true' })
      return c.json({ data: rates.map(taxRateToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/tax-rates/{id}',
      tags: [TAG],
      summary: 'A tax rate, archived or not.',
      request: { params: idParams },
      responses: { 200: jsonAnswer('The tax rate', taxRateJson), 404: { description: '`tax_rate_not_found`' } },
    }),
    async (c) => c.json(taxRateToJson(await ledger.taxRates.get(requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/tax-rates/{id}/archive',
      tags: [TAG],
      summary: 'Archive a tax rate: it can no longer be assigned; invoices that used it keep it. Refused while a customer or product names it.',
      request: { params: idParams },
      responses: {
        200: jsonAnswer('The archived rate', taxRateJson),
        404: { description: '`tax_rate_not_found`' },
        409: { description: 'A customer or product still names it (`tax_rate_assigned`): give them another rate first' },
      },
    }),
    async (c) => c.json(taxRateToJson(await ledger.taxRates.archive(requestOrg(c), c.req.valid('param').id, clock.now())), 200),
  )

  app.openapi(
    apiRoute({
      method: 'put',
      path: '/v1/products/{id}/tax-rate',
      tags: [TAG],
      summary: "Give a product its own tax rate (e.g. zero-rated), which wins over the customer's; null removes it. Applies to invoices finalized afterwards.",
      request: { params: productParams, body: jsonContent(productRateRequest, { tax_rate: '9b0d6c2e-0000-4000-8000-000000000001' }) },
      responses: {
        204: { description: 'Set' },
        404: { description: '`product_not_found`' },
        422: { description: 'Not a live tax rate of the organisation (`unknown_tax_rate`)' },
      },
    }),
    async (c) => {
      await ledger.taxRates.setProductRate(requestOrg(c), c.req.valid('param').id, c.req.valid('json').tax_rate)
      return c.body(null, 204)
    },
  )

  return app
}
