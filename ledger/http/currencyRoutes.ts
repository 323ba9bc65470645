// POST /v1/currencies and GET /v1/currencies: the custom currencies an organisation declares
// (CREDITS with 4 decimals) beside ISO 4217. Once declared, a code is accepted wherever a
// currency is (customers, plans, contracts, prices, payments) for that organisation only.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { CUSTOM_CURRENCY_CODE, MAX_CURRENCY_PRECISION } from '../../platform/currency.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { MAX_CURRENCY_NAME_LENGTH, type CurrencyRepository, type CustomCurrency } from '../currencies.ts'

const CURRENCIES_TAG = 'Currencies'

export const declareCurrencyRequest = z.strictObject({
  code: z
    .string()
    .regex(CUSTOM_CURRENCY_CODE, 'upper-case letters, digits or _, starting with a letter, 2 to 32 characters')
    .describe('Code used wherever a currency is given, e.g. CREDITS or TOKENS_K; not an ISO 4217 code'),
  name: z.string().trim().min(1).max(MAX_CURRENCY_NAME_LENGTH).describe('Display name, e.g. Credits'),
  precision: z
    .number()
    .int()
    .min(0)
    .max(MAX_CURRENCY_PRECISION)
    .describe(`Minor units: digits after the decimal point of the smallest amount (0 to ${MAX_CURRENCY_PRECISION}); never changes once declared`),
})

export const currencyJson = z.object({
  code: z.string(),
  name: z.string(),
  precision: z.number().int(),
  created_at: z.string().describe('ISO-8601 UTC'),
})
const currencyListJson = z.object({ data: z.array(currencyJson) })

export function currencyToJson(c: CustomCurrency): z.infer<typeof currencyJson> {
  return { code: c.code, name: c.name, precision: c.precision, created_at: c.createdAt }
}

/** `clock`: the process's "now", a declaration's `created_at`. */
export function currencyRoutes(ledger: { currencies: CurrencyRepository }, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/currencies',
      tags: [CURRENCIES_TAG],
      summary:
        'Declare a custom currency (credits, tokens) with its precision. Declarations are immutable: invoices are rounded to the precision, so it never changes. ISO 4217 currencies need no declaration.',
      request: { body: jsonContent(declareCurrencyRequest, { code: 'CREDITS', name: 'Credits', precision: 4 }) },
      responses: {
        201: jsonAnswer('Declared', currencyJson),
        400: { description: 'Invalid body (`invalid_json`, `invalid_request` naming `code`, `name` or `precision`)' },
        409: { description: 'The organisation already declared this code (`currency_exists`)' },
        422: { description: "An ISO 4217 code (`currency_is_iso`): every organisation bills in it with ISO's minor units" },
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const declared = await ledger.currencies.create({ orgId: requestOrg(c), code: body.code, name: body.name, precision: body.precision, now: clock.now() })
      return c.json(currencyToJson(declared), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/currencies',
      tags: [CURRENCIES_TAG],
      summary: 'List the custom currencies the organisation declared, by code (ISO 4217 currencies are not listed: they are always accepted).',
      responses: { 200: jsonAnswer('Declared currencies', currencyListJson) },
    }),
    async (c) => c.json({ data: (await ledger.currencies.list(requestOrg(c))).map(currencyToJson) }, 200),
  )
  return app
}
