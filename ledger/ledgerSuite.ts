// The ledger contract suite. Every Postgres driver (PGlite, a Postgres server through `pg`)
// runs exactly these tests, so the repositories cannot come to depend on one driver. Each
// concept's tests are a file of their own (apiKeysSuite.ts, customersSuite.ts, …); this one
// opens the ledger, runs them, and holds the migrations, organisations and tenant isolation.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { queryRows } from '../platform/postgres/queryRows.ts'
import { describeApiKeySuite } from './apiKeysSuite.ts'
import { describeBillingEntitySuite } from './billingEntitiesSuite.ts'
import { describeClockTimestampsSuite } from './clockTimestampsSuite.ts'
import { describeCurrencySuite } from './currenciesSuite.ts'
import { describeCustomerSuite } from './customersSuite.ts'
import { describeInvoiceLifecycleRefusals } from './invoiceLifecycleSuite.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'
import { describeRawMetricSuite } from './rawMetricsSuite.ts'
import { newTestOrg, useTestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

/** The organisation id of the reference docs' curl example. */
export const REFERENCE_ORG_ID = '23507783-d5b4-4854-b012-2bf4ea922205'

export function describeLedgerSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`ledger contract: ${name}`, () => {
    const t = useTestLedger(openHandle)

    describe('migrations', () => {
      it('are idempotent: applying them again changes nothing', async () => {
        const count = async () => (await queryRows<{ n: number }>(t.handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n
        const before = await count()
        await migrateDatabase(t.handle, ledgerMigrationsFolder)
        await migrateDatabase(t.handle, ledgerMigrationsFolder)
        expect(await count()).toBe(before)
        expect(before).toBeGreaterThanOrEqual(1)
        const tables = await queryRows<{ table_name: string }>(
          t.handle.db,
          sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
        )
        expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['api_keys', 'customers', 'organisations', 'raw_metrics']))
      })

      it('ping answers', async () => {
        await expect(t.handle.ping()).resolves.toBeUndefined()
      })
    })

    describe('organisations', () => {
      it('ensure with a given UUID is idempotent and keeps the first name', async () => {
        const first = await t.ledger.organisations.ensure({ now: testNow(), id: REFERENCE_ORG_ID, name: 'Reference' })
        const second = await t.ledger.organisations.ensure({ now: testNow(), id: REFERENCE_ORG_ID, name: 'Renamed' })
        expect(first).toEqual({ id: REFERENCE_ORG_ID, name: 'Reference', createdAt: expect.any(String) })
        expect(second).toEqual(first)
        expect((await t.ledger.organisations.list()).filter((o) => o.id === REFERENCE_ORG_ID)).toHaveLength(1)
      })

      it('create generates an id, or takes one and refuses a duplicate', async () => {
        const generated = await t.ledger.organisations.create({ now: testNow(), name: 'Generated' })
        expect(generated.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(new Date(generated.createdAt).toISOString()).toBe(generated.createdAt)
        const id = randomUUID()
        await t.ledger.organisations.create({ now: testNow(), id, name: 'Given' })
        await expect(t.ledger.organisations.create({ now: testNow(), id, name: 'Again' })).rejects.toMatchObject({
          category: 'conflict',
          code: 'organisation_exists',
        })
        await expect(t.ledger.organisations.create({ now: testNow(), id: 'not-a-uuid', name: 'x' })).rejects.toMatchObject({
          category: 'validation',
          code: 'invalid_organisation_id',
        })
      })

      it('get finds an organisation and reports an unknown one as not found', async () => {
        const org = await newTestOrg(t.ledger)
        expect(await t.ledger.organisations.get(org.id)).toEqual(org)
        for (const id of [randomUUID(), 'garbage']) {
          await expect(t.ledger.organisations.get(id)).rejects.toMatchObject({ code: 'organisation_not_found' })
        }
      })
    })

    describeApiKeySuite(t)
    describeClockTimestampsSuite(t)
    describeCustomerSuite(t)
    describeBillingEntitySuite(t)
    describeCurrencySuite(t)
    describeRawMetricSuite(t)
    describeInvoiceLifecycleRefusals(() => t)

    describe('tenant isolation', () => {
      it('organisation B sees none of organisation A’s customers, raw metrics or keys', async () => {
        const a = await newTestOrg(t.ledger, 'A')
        const b = await newTestOrg(t.ledger, 'B')
        await t.ledger.customers.create({ now: testNow(), orgId: a.id, externalId: 'secret_customer', name: 'S' })
        await t.ledger.rawMetrics.create({ now: testNow(), orgId: a.id, name: 'secret_metric' })
        await t.ledger.apiKeys.create({ now: testNow(), orgId: a.id, name: 'a key' })

        expect((await t.ledger.customers.list(b.id)).customers).toEqual([])
        expect(await t.ledger.customers.exists(b.id, ['secret_customer'])).toEqual(new Set())
        await expect(t.ledger.customers.get(b.id, 'secret_customer')).rejects.toMatchObject({ code: 'customer_not_found' })
        expect(await t.ledger.rawMetrics.list(b.id)).toEqual([])
        await expect(t.ledger.rawMetrics.get(b.id, 'secret_metric')).rejects.toMatchObject({ code: 'raw_metric_not_found' })
        expect(await t.ledger.apiKeys.list(b.id)).toEqual([])
      })
    })
  })
}
