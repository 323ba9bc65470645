import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { STATUS_BY_CATEGORY, errorBody } from '../../platform/http/errorHandler.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { pricingRoutes } from './pricingRoutes.ts'

// The same category → status mapping the server uses (platform/http/errorHandler.ts).
function app() {
  const a = new Hono<AppEnv>()
  a.route('/', pricingRoutes())
  a.onError((err, c) => {
    if (err instanceof TallyError) return c.json(errorBody(err.code, err.message, err.details), STATUS_BY_CATEGORY[err.category])
    throw err
  })
  return a
}

const post = (body: string) => app().request('/v1/pricing/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body })

describe('POST /v1/pricing/preview', () => {
  it('prices what a quantity adds on top of billed_quantity, and refuses it without a quantity (422 at billed_quantity)', async () => {
    const price = {
      model: 'volume',
      currency: 'USD',
      tiers: [
        { up_to: '500', unit_price: '2.00' },
        { up_to: null, unit_price: '2.50' },
      ],
    }
    const ok = await post(JSON.stringify({ price, quantity: '30', billed_quantity: '490' }))
    expect(ok.status).toBe(200)
    // rate(520) − rate(490) = 520 × 2.50 − 490 × 2.00 = 1,300.00 − 980.00.
    expect(await ok.json()).toMatchObject({ amount: '320.00' })
    const bad = await post(JSON.stringify({ price, billed_quantity: '90' }))
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_pricing_input', details: [{ field: 'billed_quantity', code: 'not_used_by_model' }] } })
  })

  it('returns the rated breakdown with every decimal as a string', async () => {
    const res = await post(
      JSON.stringify({
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
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { amount: string; lines: { amount: string; tier: number }[] }
    expect(body.amount).toBe('2500.00')
    expect(body.lines.map((l) => [l.tier, l.amount])).toEqual([
      [1, '1000.00'],
      [2, '1500.00'],
    ])
  })

  it('answers 422 with the field path of a bad tier bound', async () => {
    const res = await post(
      JSON.stringify({
        price: {
          model: 'volume',
          currency: 'USD',
          tiers: [
            { up_to: '10', unit_price: '1' },
            { up_to: '5', unit_price: '1' },
            { up_to: '20', unit_price: '1' },
          ],
        },
        quantity: '3',
      }),
    )
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; details: { field: string; code: string }[] } }
    expect(body.error.code).toBe('invalid_price_definition')
    expect(body.error.details).toEqual([
      expect.objectContaining({ field: 'price.tiers[1].up_to', code: 'tier_overlap' }),
      expect.objectContaining({ field: 'price.tiers[2].up_to', code: 'last_tier_not_open' }),
    ])
  })

  it('answers 422 for an unpriced matrix combination', async () => {
    const res = await post(
      JSON.stringify({
        price: { model: 'matrix', currency: 'USD', dimensions: ['region'], cells: [{ when: { region: 'us' }, unit_price: '1' }] },
        quantities: [{ dimensions: { region: 'eu' }, quantity: '2' }],
      }),
    )
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unpriced_combination')
  })

  it('answers 422 (not the 400 of other refused bodies) for JSON that is not a pricing request', async () => {
    const res = await post(JSON.stringify({ price: { model: 'per_unit', currency: 'USD', unit_price: '1' }, quantity: 5 }))
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; details: { field: string }[] } }
    expect(body.error.code).toBe('invalid_pricing_input')
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'quantity' })])
  })

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('{"price": ')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json')
  })
})

// Issue 13 §2: given the ledger's currency tables, the preview resolves the request
// organisation's declared currencies (here on PGlite, a real Postgres engine).
describe('POST /v1/pricing/preview with the ledger', () => {
  it('rates a declared CREDITS price at 4 decimals for its organisation only; without the ledger it is ISO and inline units only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tally-preview-'))
    const handle = await openDatabase({ dataDir })
    try {
      await migrateDatabase(handle, ledgerMigrationsFolder)
      const ledger = createTestLedger(handle.db)
      const org = await ledger.organisations.create({ now: testNow(), name: 'Credits' })
      const other = await ledger.organisations.create({ now: testNow(), name: 'Other' })
      await ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
      const as = (orgId: string) => {
        const a = new Hono<AppEnv>()
        a.use(async (c, next) => {
          c.set('principal', { kind: 'api_key', orgId })
          await next()
        })
        a.route('/', pricingRoutes(ledger))
        a.onError((err, c) => {
          if (err instanceof TallyError) return c.json(errorBody(err.code, err.message, err.details), STATUS_BY_CATEGORY[err.category])
          throw err
        })
        return a
      }
      const body = JSON.stringify({ price: { model: 'per_unit', currency: 'CREDITS', unit_price: '0.00125' }, quantity: '1234' })
      const preview = (a: Hono<AppEnv>) => a.request('/v1/pricing/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      // 1234 units × 0.00125 CREDITS = 1.5425 CREDITS, exact at 4 decimals.
      const mine = await preview(as(org.id))
      expect(mine.status).toBe(200)
      expect(await mine.json()).toMatchObject({ amount: '1.5425', currency: 'CREDITS' })
      for (const refused of [await preview(as(other.id)), await post(body)]) {
        expect(refused.status).toBe(422)
        expect(await refused.json()).toMatchObject({
          error: { code: 'invalid_price_definition', details: [{ field: 'price.currency', code: 'invalid_currency' }] },
        })
      }
    } finally {
      await handle.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
