// The pricing endpoints as documented in /openapi.json.
import { z } from 'zod'
import type { ApiOperation } from '../../platform/http/openapi.ts'
import { pricingRequestSchema } from '../compute/ratePrice.ts'

const lineSchema = z.object({
  kind: z.string(),
  description: z.string(),
  quantity: z.string(),
  unit_price: z.string().optional(),
  tier: z.number().int().optional(),
  amount: z.string(),
})

export const priceResultSchema = z.object({
  amount: z.string().describe('Exact sum of the line amounts, in the currency\'s minor unit'),
  currency: z.string(),
  lines: z.array(lineSchema),
  applied: z.object({ free_units: z.string(), credits: z.string(), discounts: z.string(), minimum: z.string() }),
})

export const pricingOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/pricing/preview',
    tag: 'Pricing',
    summary:
      'Price a quantity (or dimension-keyed quantities, or transactions) with a price definition and return the line-by-line breakdown. Every decimal is a JSON string. Models and options: docs/pricing.md.',
    body: [{
      contentType: 'application/json',
      schema: pricingRequestSchema,
      example: {
        price: {
          model: 'tiered',
          currency: 'USD',
          tiers: [{ up_to: '500', unit_price: '2.00' }, { up_to: '2000', unit_price: '1.50' }, { up_to: null, unit_price: '1.00' }],
        },
        quantity: '1500',
      },
    }],
    responses: {
      200: { description: 'The rated result', schema: priceResultSchema },
      400: { description: 'Body is not JSON (`invalid_json`)' },
      422: { description: 'Invalid price definition or usage (`invalid_price_definition`, `invalid_pricing_input`, `quantity_required`, `unpriced_combination`…); details name each field, e.g. `price.tiers[2].up_to`' },
    },
  },
]
