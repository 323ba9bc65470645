// POST /v1/pricing/preview: price a quantity with a price definition before it goes into a
// contract. Pure: nothing is read or written, so it needs no organisation data; the auth
// middleware in front of it still applies. Bad JSON is 400 (`invalid_json`); a body that
// parses but breaks a rule is 422 (`invalid_price_definition` / `invalid_pricing_input` /
// `unpriced_combination`…) with one detail per failing field, e.g. `price.tiers[2].up_to`.
import { Hono } from 'hono'
import { ValidationError } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { previewPrice } from '../compute/ratePrice.ts'

export function pricingRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/v1/pricing/preview', async (c) => {
    const text = await c.req.text()
    let body: unknown
    try {
      // NOTE: plain JSON.parse is safe here: every decimal field must be a JSON string, so a
      // JSON number (the only thing JSON.parse could round) is refused by the schema.
      body = JSON.parse(text)
    } catch (err) {
      throw new ValidationError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`)
    }
    return c.json(previewPrice(body), 200)
  })
  return app
}
