// POST /v1/pricing/preview: price a quantity with a price definition before it goes into a
// contract. Nothing is written; given the ledger's currency tables, a price may name a custom
// currency the request's organisation declared (`"currency": "CREDITS"`), else ISO 4217 and
// inline `{ code, precision }` units only. The auth middleware in front of it still applies. Bad JSON is 400 (`invalid_json`); a body that
// parses but breaks a rule is 422 (`invalid_price_definition` / `invalid_pricing_input` /
// `unpriced_combination`…) with one detail per failing field, e.g. `price.tiers[2].up_to`.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { PRICING_BODY_BYTES } from '../../platform/http/bodyLimits.ts'
import { pricingRequestError, pricingRequestSchema, ratePrice } from '../compute/ratePrice.ts'
import type { CatalogStore } from '../../ledger/ratingStore.ts'
import { isoCurrencies } from '../../platform/currency.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'

const lineSchema = z.object({
  kind: z.string(),
  description: z.string(),
  quantity: z.string(),
  unit_price: z.string().optional(),
  tier: z.number().int().optional(),
  amount: z.string(),
})

export const priceResultSchema = z.object({
  amount: z.string().describe("Exact sum of the line amounts, in the currency's minor unit"),
  currency: z.string(),
  lines: z.array(lineSchema),
  applied: z.object({ free_units: z.string(), credits: z.string(), discounts: z.string(), minimum: z.string() }),
})

/** The documented request of POST /v1/pricing/preview (Zenskar's tiered example: 1,500 GB → 2,500.00). */
export const pricingExample = {
  price: {
    model: 'tiered',
    currency: 'USD',
    tiers: [
      { up_to: '500', unit_price: '2.00' },
      { up_to: '2000', unit_price: '1.50' },
      { up_to: null, unit_price: '1.00' },
    ],
  },
  quantity: '1500',
}

export function pricingRoutes(store?: Pick<CatalogStore, 'currencies'>): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/pricing/preview',
      tags: ['Pricing'],
      summary:
        'Price a quantity (or dimension-keyed quantities, or transactions) with a price definition and return the line-by-line breakdown. Every decimal is a JSON string. Models and options: docs/pricing.md.',
      maxBodyBytes: PRICING_BODY_BYTES,
      // NOTE: the body is read with plain JSON.parse (platform/http/jsonBody.ts), which is safe
      // here: every decimal field must be a JSON string, so a JSON number (the only thing
      // JSON.parse could round) is refused by the schema.
      request: { body: jsonContent(pricingRequestSchema, pricingExample) },
      responses: {
        200: jsonAnswer('The rated result', priceResultSchema),
        400: { description: 'Body is not JSON (`invalid_json`)' },
        422: {
          description:
            'Invalid price definition or usage (`invalid_price_definition`, `invalid_pricing_input`, `quantity_required`, `unpriced_combination`…); details name each field, e.g. `price.tiers[2].up_to`',
        },
      },
    }),
    async (c) => {
      const currencies = store === undefined ? isoCurrencies : await store.currencies.table(requestOrg(c))
      return c.json(ratePrice(c.req.valid('json'), currencies), 200)
    },
    // A body that reads as JSON but is not a pricing request is the pricing engine's 422, as in
    // `tally price preview`, not the 400 of other refused bodies.
    (result): undefined => {
      if (!result.success) throw pricingRequestError(result.error)
      return undefined
    },
  )
  return app
}
