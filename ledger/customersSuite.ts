// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. Customers: defaults,
// external ids unique per organisation, currency and time zone checks, pages.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

export function describeCustomerSuite(t: TestLedger): void {
  describe('customers', () => {
    it('create applies defaults and keeps the given settings', async () => {
      const org = await newTestOrg(t.ledger)
      const plain = await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'cus_plain', name: 'Plain' })
      expect(plain).toMatchObject({ externalId: 'cus_plain', name: 'Plain', email: null, currency: 'USD', timeZone: 'UTC' })
      const paris = await t.ledger.customers.create({
        now: testNow(),
        orgId: org.id,
        externalId: 'customer@example.com',
        name: 'Paris',
        email: 'billing@example.com',
        currency: 'EUR',
        timeZone: 'Europe/Paris',
      })
      expect(paris).toMatchObject({ email: 'billing@example.com', currency: 'EUR', timeZone: 'Europe/Paris' })
      expect(await t.ledger.customers.get(org.id, 'customer@example.com')).toEqual(paris)
      // Case-only differences take the tz database's spelling.
      const utc = await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'cus_utc', name: 'U', timeZone: 'utc' })
      expect(utc.timeZone).toBe('UTC')
    })

    it('refuses a duplicate external id within an organisation only', async () => {
      const a = await newTestOrg(t.ledger, 'A')
      const b = await newTestOrg(t.ledger, 'B')
      await t.ledger.customers.create({ now: testNow(), orgId: a.id, externalId: 'acme', name: 'Acme' })
      await expect(t.ledger.customers.create({ now: testNow(), orgId: a.id, externalId: 'acme', name: 'Acme 2' })).rejects.toMatchObject({
        category: 'conflict',
        code: 'customer_exists',
      })
      await expect(t.ledger.customers.create({ now: testNow(), orgId: b.id, externalId: 'acme', name: 'Acme B' })).resolves.toMatchObject({
        orgId: b.id,
      })
    })

    it('rejects an invalid currency or time zone, naming the field', async () => {
      const org = await newTestOrg(t.ledger)
      for (const currency of ['usd', 'US', 'USDX', '']) {
        await expect(t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'c', name: 'c', currency })).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'invalid_currency',
          details: [expect.objectContaining({ field: 'currency' })],
        })
      }
      for (const timeZone of ['Mars/Olympus_Mons', '+05:30', '']) {
        await expect(t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'c', name: 'c', timeZone })).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'invalid_time_zone',
          details: [expect.objectContaining({ field: 'time_zone' })],
        })
      }
      expect((await t.ledger.customers.list(org.id)).customers).toEqual([])
    })

    it('lists in external id order, page by page', async () => {
      const org = await newTestOrg(t.ledger)
      for (const id of ['cus_04', 'cus_01', 'cus_05', 'cus_03', 'cus_02']) {
        await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: id, name: id })
      }
      const p1 = await t.ledger.customers.list(org.id, { limit: 2 })
      expect(p1.customers.map((c) => c.externalId)).toEqual(['cus_01', 'cus_02'])
      expect(p1.nextAfter).toBe('cus_02')
      const p2 = await t.ledger.customers.list(org.id, { limit: 2, after: p1.nextAfter! })
      expect(p2.customers.map((c) => c.externalId)).toEqual(['cus_03', 'cus_04'])
      const p3 = await t.ledger.customers.list(org.id, { limit: 2, after: p2.nextAfter! })
      expect(p3).toMatchObject({ customers: [expect.objectContaining({ externalId: 'cus_05' })], nextAfter: null })
      const all = await t.ledger.customers.list(org.id)
      expect(all.customers).toHaveLength(5)
      expect(all.nextAfter).toBeNull()
    })

    it('exists returns the subset that are customers', async () => {
      const org = await newTestOrg(t.ledger)
      await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'known_1', name: 'k1' })
      await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'known_2', name: 'k2' })
      const found = await t.ledger.customers.exists(org.id, ['known_1', 'unknown', 'known_2', 'known_1'])
      expect([...found].sort()).toEqual(['known_1', 'known_2'])
      expect(await t.ledger.customers.exists(org.id, [])).toEqual(new Set())
    })

    it('get of an unknown customer is not found', async () => {
      const org = await newTestOrg(t.ledger)
      await expect(t.ledger.customers.get(org.id, 'nobody')).rejects.toMatchObject({ code: 'customer_not_found' })
    })

    it('create for an unknown organisation is not found', async () => {
      await expect(t.ledger.customers.create({ now: testNow(), orgId: randomUUID(), externalId: 'x', name: 'x' })).rejects.toMatchObject({
        code: 'organisation_not_found',
      })
    })
  })
}
