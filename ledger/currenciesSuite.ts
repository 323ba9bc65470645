// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. Custom currencies
// (issue 13 §2): declared once per organisation, immutable, and what customers may hold.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

export function describeCurrencySuite(t: TestLedger): void {
  describe('custom currencies (issue 13 §2)', () => {
    it('are declared once per organisation: immutable, never an ISO code, listed by code', async () => {
      const org = await newTestOrg(t.ledger, 'Credits')
      const credits = await t.ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
      expect(credits).toMatchObject({ orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
      await t.ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'TOKENS_K', name: 'Thousand tokens', precision: 0 })
      // A second declaration of a code is refused, even with the same precision: nothing changes.
      await expect(t.ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 2 })).rejects.toMatchObject({
        category: 'conflict',
        code: 'currency_exists',
      })
      await expect(t.ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'USD', name: 'Dollars', precision: 2 })).rejects.toMatchObject({
        category: 'unprocessable',
        code: 'currency_is_iso',
        details: [expect.objectContaining({ field: 'code', code: 'currency_is_iso' })],
      })
      for (const [code, precision, field] of [
        ['credits', 4, 'code'],
        ['C', 4, 'code'],
        ['1CREDIT', 4, 'code'],
        ['A'.repeat(33), 4, 'code'],
        ['GEMS', 13, 'precision'],
        ['GEMS', -1, 'precision'],
        ['GEMS', 1.5, 'precision'],
      ] as const) {
        await expect(t.ledger.currencies.create({ now: testNow(), orgId: org.id, code, name: 'x', precision })).rejects.toMatchObject({
          category: 'validation',
          details: [expect.objectContaining({ field })],
        })
      }
      expect((await t.ledger.currencies.list(org.id)).map((c) => [c.code, c.precision])).toEqual([
        ['CREDITS', 4],
        ['TOKENS_K', 0],
      ])
      const table = await t.ledger.currencies.table(org.id)
      expect([table.minorUnits('CREDITS'), table.minorUnits('TOKENS_K'), table.minorUnits('USD'), table.minorUnits('JPY'), table.minorUnits('XYZ')]).toEqual([
        4,
        0,
        2,
        0,
        undefined,
      ])
      // The database refuses what the repository refuses, for any other writer.
      await expect(
        t.handle.db.execute(sql`insert into currencies (org_id, code, name, precision, created_at) values (${org.id}, 'bad code', 'x', 2, ${testNow()})`),
      ).rejects.toThrow()
      await expect(
        t.handle.db.execute(sql`insert into currencies (org_id, code, name, precision, created_at) values (${org.id}, 'GEMS', 'x', 13, ${testNow()})`),
      ).rejects.toThrow()
    })

    it('customers may hold a declared code of their own organisation only; XYZ is still invalid_currency', async () => {
      const org = await newTestOrg(t.ledger, 'Credits')
      const other = await newTestOrg(t.ledger, 'Other')
      await t.ledger.currencies.create({ now: testNow(), orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
      const customer = await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'credit-user', name: 'Credit user', currency: 'CREDITS' })
      expect(customer.currency).toBe('CREDITS')
      expect(await t.ledger.customers.get(org.id, 'credit-user')).toMatchObject({ currency: 'CREDITS' })
      const refused = {
        category: 'unprocessable',
        code: 'invalid_currency',
        details: [expect.objectContaining({ field: 'currency', code: 'invalid_currency' })],
      }
      await expect(
        t.ledger.customers.create({ now: testNow(), orgId: other.id, externalId: 'credit-user', name: 'x', currency: 'CREDITS' }),
      ).rejects.toMatchObject(refused)
      await expect(t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'xyz', name: 'x', currency: 'XYZ' })).rejects.toMatchObject(refused)
      await expect(t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'xyz', name: 'x', currency: 'XYZ' })).rejects.toThrow(
        /POST \/v1\/currencies/,
      )
      expect((await t.ledger.customers.list(other.id)).customers).toEqual([])
      // The widened column still refuses a code no table could hold.
      await expect(
        t.handle.db.execute(sql`insert into customers (org_id, external_id, name, currency, created_at) values (${org.id}, 'raw', 'raw', 'usd', ${testNow()})`),
      ).rejects.toThrow()
    })
  })
}
