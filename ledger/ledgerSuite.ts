// The ledger contract suite. Every Postgres driver (PGlite, a Postgres server through `pg`)
// runs exactly these tests, so the repositories cannot come to depend on one driver.
import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { queryRows } from '../platform/postgres/queryRows.ts'
import { describeInvoiceLifecycleRefusals } from './invoiceLifecycleSuite.ts'
import type { Ledger } from './ledger.ts'
import { createTestLedger } from '../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'

/** The organisation id of the reference docs' curl example. */
export const REFERENCE_ORG_ID = '23507783-d5b4-4854-b012-2bf4ea922205'

export function describeLedgerSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`ledger contract: ${name}`, () => {
    let handle: DatabaseHandle
    let ledger: Ledger

    beforeAll(async () => {
      handle = await openHandle()
      await migrateDatabase(handle, ledgerMigrationsFolder)
      ledger = createTestLedger(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    /** A fresh organisation per test keeps tests independent within one database. */
    const newOrg = (label = 'Org') => ledger.organisations.create({ name: `${label} ${randomUUID().slice(0, 8)}` })

    describe('migrations', () => {
      it('are idempotent: applying them again changes nothing', async () => {
        const count = async () => (await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n
        const before = await count()
        await migrateDatabase(handle, ledgerMigrationsFolder)
        await migrateDatabase(handle, ledgerMigrationsFolder)
        expect(await count()).toBe(before)
        expect(before).toBeGreaterThanOrEqual(1)
        const tables = await queryRows<{ table_name: string }>(
          handle.db,
          sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
        )
        expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['api_keys', 'customers', 'organisations', 'raw_metrics']))
      })

      it('ping answers', async () => {
        await expect(handle.ping()).resolves.toBeUndefined()
      })
    })

    describe('organisations', () => {
      it('ensure with a given UUID is idempotent and keeps the first name', async () => {
        const first = await ledger.organisations.ensure({ id: REFERENCE_ORG_ID, name: 'Reference' })
        const second = await ledger.organisations.ensure({ id: REFERENCE_ORG_ID, name: 'Renamed' })
        expect(first).toEqual({ id: REFERENCE_ORG_ID, name: 'Reference', createdAt: expect.any(String) })
        expect(second).toEqual(first)
        expect((await ledger.organisations.list()).filter((o) => o.id === REFERENCE_ORG_ID)).toHaveLength(1)
      })

      it('create generates an id, or takes one and refuses a duplicate', async () => {
        const generated = await ledger.organisations.create({ name: 'Generated' })
        expect(generated.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(new Date(generated.createdAt).toISOString()).toBe(generated.createdAt)
        const id = randomUUID()
        await ledger.organisations.create({ id, name: 'Given' })
        await expect(ledger.organisations.create({ id, name: 'Again' })).rejects.toMatchObject({
          category: 'conflict',
          code: 'organisation_exists',
        })
        await expect(ledger.organisations.create({ id: 'not-a-uuid', name: 'x' })).rejects.toMatchObject({
          category: 'validation',
          code: 'invalid_organisation_id',
        })
      })

      it('get finds an organisation and reports an unknown one as not found', async () => {
        const org = await newOrg()
        expect(await ledger.organisations.get(org.id)).toEqual(org)
        for (const id of [randomUUID(), 'garbage']) {
          await expect(ledger.organisations.get(id)).rejects.toMatchObject({ code: 'organisation_not_found' })
        }
      })
    })

    describe('api keys', () => {
      it('create → resolve → revoke → resolve null', async () => {
        const org = await newOrg()
        const { key, secret } = await ledger.apiKeys.create({ orgId: org.id, name: 'gateway' })
        expect(secret).toMatch(/^tly_[0-9A-Za-z]{40}$/)
        expect(key).toMatchObject({ orgId: org.id, name: 'gateway', prefix: secret.slice(0, 12), revokedAt: null })
        expect(await ledger.apiKeys.resolve(secret)).toEqual({ orgId: org.id, keyId: key.id })

        const revoked = await ledger.apiKeys.revoke(org.id, key.id)
        expect(revoked.revokedAt).not.toBeNull()
        expect(await ledger.apiKeys.resolve(secret)).toBeNull()
        // Revoking again is a no-op that keeps the original revocation time.
        expect(await ledger.apiKeys.revoke(org.id, key.id)).toEqual(revoked)
      })

      it('resolve returns null for an unknown secret', async () => {
        expect(await ledger.apiKeys.resolve('tly_unknown0000000000000000000000000000000')).toBeNull()
      })

      it('revoke of an unknown key, or of another organisation’s key, is not found', async () => {
        const a = await newOrg('A')
        const b = await newOrg('B')
        const { key, secret } = await ledger.apiKeys.create({ orgId: a.id, name: 'k' })
        for (const [orgId, id] of [
          [b.id, key.id],
          [a.id, randomUUID()],
          [a.id, 'nope'],
        ] as const) {
          await expect(ledger.apiKeys.revoke(orgId, id)).rejects.toMatchObject({
            category: 'not_found',
            code: 'api_key_not_found',
          })
        }
        expect(await ledger.apiKeys.resolve(secret)).not.toBeNull()
      })

      it('list returns views without hashes or secrets', async () => {
        const org = await newOrg()
        const one = await ledger.apiKeys.create({ orgId: org.id, name: 'one' })
        const two = await ledger.apiKeys.create({ orgId: org.id, name: 'two' })
        const keys = await ledger.apiKeys.list(org.id)
        expect(keys.map((k) => k.name).sort()).toEqual(['one', 'two'])
        for (const k of keys) {
          expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'orgId', 'prefix', 'revokedAt'])
        }
        const text = JSON.stringify(keys)
        for (const { secret } of [one, two]) {
          expect(text).not.toContain(secret)
          expect(text).not.toContain(createHash('sha256').update(secret).digest('hex'))
        }
      })

      it('stores only the hash: the row holds no secret', async () => {
        const org = await newOrg()
        const { key, secret } = await ledger.apiKeys.create({ orgId: org.id, name: 'stored' })
        const [row] = await queryRows(handle.db, sql`select * from api_keys where id = ${key.id}`)
        if (!row) throw new Error('key row missing')
        expect(row.hash).toBe(createHash('sha256').update(secret).digest('hex'))
        expect(row.prefix).toBe(secret.slice(0, 12))
        const body = secret.slice(12)
        for (const value of Object.values(row)) expect(String(value)).not.toContain(body)
      })

      it('ensure registers a given secret once', async () => {
        const org = await newOrg()
        const secret = `tly_bootstrap_${randomUUID()}`
        const first = await ledger.apiKeys.ensure({ orgId: org.id, secret, name: 'bootstrap' })
        const second = await ledger.apiKeys.ensure({ orgId: org.id, secret, name: 'bootstrap' })
        expect(second).toEqual(first)
        expect(await ledger.apiKeys.resolve(secret)).toEqual({ orgId: org.id, keyId: first.id })
        expect(await ledger.apiKeys.list(org.id)).toHaveLength(1)

        const other = await newOrg()
        await expect(ledger.apiKeys.ensure({ orgId: other.id, secret, name: 'steal' })).rejects.toMatchObject({
          category: 'conflict',
          code: 'api_key_in_use',
        })
        await expect(ledger.apiKeys.ensure({ orgId: org.id, secret: 'short', name: 'x' })).rejects.toMatchObject({
          category: 'validation',
          code: 'invalid_api_key',
        })
      })

      it('create for an unknown organisation is not found', async () => {
        await expect(ledger.apiKeys.create({ orgId: randomUUID(), name: 'x' })).rejects.toMatchObject({
          code: 'organisation_not_found',
        })
      })

      it('recordUse stamps last_used_at', async () => {
        const org = await newOrg()
        const { key } = await ledger.apiKeys.create({ orgId: org.id, name: 'used' })
        await ledger.apiKeys.recordUse(key.id)
        const [listed] = await ledger.apiKeys.list(org.id)
        expect(listed!.lastUsedAt).not.toBeNull()
      })
    })

    describe('customers', () => {
      it('create applies defaults and keeps the given settings', async () => {
        const org = await newOrg()
        const plain = await ledger.customers.create({ orgId: org.id, externalId: 'cus_plain', name: 'Plain' })
        expect(plain).toMatchObject({ externalId: 'cus_plain', name: 'Plain', email: null, currency: 'USD', timeZone: 'UTC' })
        const paris = await ledger.customers.create({
          orgId: org.id,
          externalId: 'customer@example.com',
          name: 'Paris',
          email: 'billing@example.com',
          currency: 'EUR',
          timeZone: 'Europe/Paris',
        })
        expect(paris).toMatchObject({ email: 'billing@example.com', currency: 'EUR', timeZone: 'Europe/Paris' })
        expect(await ledger.customers.get(org.id, 'customer@example.com')).toEqual(paris)
        // Case-only differences take the tz database's spelling.
        const utc = await ledger.customers.create({ orgId: org.id, externalId: 'cus_utc', name: 'U', timeZone: 'utc' })
        expect(utc.timeZone).toBe('UTC')
      })

      it('refuses a duplicate external id within an organisation only', async () => {
        const a = await newOrg('A')
        const b = await newOrg('B')
        await ledger.customers.create({ orgId: a.id, externalId: 'acme', name: 'Acme' })
        await expect(ledger.customers.create({ orgId: a.id, externalId: 'acme', name: 'Acme 2' })).rejects.toMatchObject({
          category: 'conflict',
          code: 'customer_exists',
        })
        await expect(ledger.customers.create({ orgId: b.id, externalId: 'acme', name: 'Acme B' })).resolves.toMatchObject({
          orgId: b.id,
        })
      })

      it('rejects an invalid currency or time zone, naming the field', async () => {
        const org = await newOrg()
        for (const currency of ['usd', 'US', 'USDX', '']) {
          await expect(ledger.customers.create({ orgId: org.id, externalId: 'c', name: 'c', currency })).rejects.toMatchObject({
            category: 'unprocessable',
            code: 'invalid_currency',
            details: [expect.objectContaining({ field: 'currency' })],
          })
        }
        for (const timeZone of ['Mars/Olympus_Mons', '+05:30', '']) {
          await expect(ledger.customers.create({ orgId: org.id, externalId: 'c', name: 'c', timeZone })).rejects.toMatchObject({
            category: 'unprocessable',
            code: 'invalid_time_zone',
            details: [expect.objectContaining({ field: 'time_zone' })],
          })
        }
        expect((await ledger.customers.list(org.id)).customers).toEqual([])
      })

      it('lists in external id order, page by page', async () => {
        const org = await newOrg()
        for (const id of ['cus_04', 'cus_01', 'cus_05', 'cus_03', 'cus_02']) {
          await ledger.customers.create({ orgId: org.id, externalId: id, name: id })
        }
        const p1 = await ledger.customers.list(org.id, { limit: 2 })
        expect(p1.customers.map((c) => c.externalId)).toEqual(['cus_01', 'cus_02'])
        expect(p1.nextAfter).toBe('cus_02')
        const p2 = await ledger.customers.list(org.id, { limit: 2, after: p1.nextAfter! })
        expect(p2.customers.map((c) => c.externalId)).toEqual(['cus_03', 'cus_04'])
        const p3 = await ledger.customers.list(org.id, { limit: 2, after: p2.nextAfter! })
        expect(p3).toMatchObject({ customers: [expect.objectContaining({ externalId: 'cus_05' })], nextAfter: null })
        const all = await ledger.customers.list(org.id)
        expect(all.customers).toHaveLength(5)
        expect(all.nextAfter).toBeNull()
      })

      it('exists returns the subset that are customers', async () => {
        const org = await newOrg()
        await ledger.customers.create({ orgId: org.id, externalId: 'known_1', name: 'k1' })
        await ledger.customers.create({ orgId: org.id, externalId: 'known_2', name: 'k2' })
        const found = await ledger.customers.exists(org.id, ['known_1', 'unknown', 'known_2', 'known_1'])
        expect([...found].sort()).toEqual(['known_1', 'known_2'])
        expect(await ledger.customers.exists(org.id, [])).toEqual(new Set())
      })

      it('get of an unknown customer is not found', async () => {
        const org = await newOrg()
        await expect(ledger.customers.get(org.id, 'nobody')).rejects.toMatchObject({ code: 'customer_not_found' })
      })

      it('create for an unknown organisation is not found', async () => {
        await expect(ledger.customers.create({ orgId: randomUUID(), externalId: 'x', name: 'x' })).rejects.toMatchObject({ code: 'organisation_not_found' })
      })
    })

    describe('custom currencies (issue 13 §2)', () => {
      it('are declared once per organisation: immutable, never an ISO code, listed by code', async () => {
        const org = await newOrg('Credits')
        const credits = await ledger.currencies.create({ orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
        expect(credits).toMatchObject({ orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
        await ledger.currencies.create({ orgId: org.id, code: 'TOKENS_K', name: 'Thousand tokens', precision: 0 })
        // A second declaration of a code is refused, even with the same precision: nothing changes.
        await expect(ledger.currencies.create({ orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 2 })).rejects.toMatchObject({
          category: 'conflict',
          code: 'currency_exists',
        })
        await expect(ledger.currencies.create({ orgId: org.id, code: 'USD', name: 'Dollars', precision: 2 })).rejects.toMatchObject({
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
          await expect(ledger.currencies.create({ orgId: org.id, code, name: 'x', precision })).rejects.toMatchObject({
            category: 'validation',
            details: [expect.objectContaining({ field })],
          })
        }
        expect((await ledger.currencies.list(org.id)).map((c) => [c.code, c.precision])).toEqual([
          ['CREDITS', 4],
          ['TOKENS_K', 0],
        ])
        const table = await ledger.currencies.table(org.id)
        expect([table.minorUnits('CREDITS'), table.minorUnits('TOKENS_K'), table.minorUnits('USD'), table.minorUnits('JPY'), table.minorUnits('XYZ')]).toEqual([
          4,
          0,
          2,
          0,
          undefined,
        ])
        // The database refuses what the repository refuses, for any other writer.
        await expect(handle.db.execute(sql`insert into currencies (org_id, code, name, precision) values (${org.id}, 'bad code', 'x', 2)`)).rejects.toThrow()
        await expect(handle.db.execute(sql`insert into currencies (org_id, code, name, precision) values (${org.id}, 'GEMS', 'x', 13)`)).rejects.toThrow()
      })

      it('customers may hold a declared code of their own organisation only; XYZ is still invalid_currency', async () => {
        const org = await newOrg('Credits')
        const other = await newOrg('Other')
        await ledger.currencies.create({ orgId: org.id, code: 'CREDITS', name: 'Credits', precision: 4 })
        const customer = await ledger.customers.create({ orgId: org.id, externalId: 'credit-user', name: 'Credit user', currency: 'CREDITS' })
        expect(customer.currency).toBe('CREDITS')
        expect(await ledger.customers.get(org.id, 'credit-user')).toMatchObject({ currency: 'CREDITS' })
        const refused = {
          category: 'unprocessable',
          code: 'invalid_currency',
          details: [expect.objectContaining({ field: 'currency', code: 'invalid_currency' })],
        }
        await expect(ledger.customers.create({ orgId: other.id, externalId: 'credit-user', name: 'x', currency: 'CREDITS' })).rejects.toMatchObject(refused)
        await expect(ledger.customers.create({ orgId: org.id, externalId: 'xyz', name: 'x', currency: 'XYZ' })).rejects.toMatchObject(refused)
        await expect(ledger.customers.create({ orgId: org.id, externalId: 'xyz', name: 'x', currency: 'XYZ' })).rejects.toThrow(/POST \/v1\/currencies/)
        expect((await ledger.customers.list(other.id)).customers).toEqual([])
        // The widened column still refuses a code no table could hold.
        await expect(
          handle.db.execute(sql`insert into customers (org_id, external_id, name, currency) values (${org.id}, 'raw', 'raw', 'usd')`),
        ).rejects.toThrow()
      })
    })

    describe('raw metrics', () => {
      it('create, get and list (by name)', async () => {
        const org = await newOrg()
        const cpu = await ledger.rawMetrics.create({
          orgId: org.id,
          name: 'cpu_usage',
          description: 'CPU hours',
          fieldSchema: { cpu_usage_hours_per_day: 'number', region: 'string', spot: 'boolean' },
        })
        expect(cpu).toMatchObject({
          name: 'cpu_usage',
          description: 'CPU hours',
          fieldSchema: { cpu_usage_hours_per_day: 'number', region: 'string', spot: 'boolean' },
        })
        const api = await ledger.rawMetrics.create({ orgId: org.id, name: 'api_calls' })
        expect(api).toMatchObject({ description: null, fieldSchema: null })
        expect(await ledger.rawMetrics.get(org.id, 'cpu_usage')).toEqual(cpu)
        expect((await ledger.rawMetrics.list(org.id)).map((m) => m.name)).toEqual(['api_calls', 'cpu_usage'])
      })

      it('refuses a duplicate name', async () => {
        const org = await newOrg()
        await ledger.rawMetrics.create({ orgId: org.id, name: 'events' })
        await expect(ledger.rawMetrics.create({ orgId: org.id, name: 'events' })).rejects.toMatchObject({
          category: 'conflict',
          code: 'raw_metric_exists',
        })
      })

      it('refuses invalid names and field schemas', async () => {
        const org = await newOrg()
        for (const name of ['Api', '1abc', 'a-b', '', `a${'b'.repeat(63)}`]) {
          await expect(ledger.rawMetrics.create({ orgId: org.id, name })).rejects.toMatchObject({
            category: 'validation',
            code: 'invalid_raw_metric_name',
          })
        }
        await expect(ledger.rawMetrics.create({ orgId: org.id, name: `a${'b'.repeat(62)}` })).resolves.toBeDefined()
        await expect(ledger.rawMetrics.create({ orgId: org.id, name: 'typed', fieldSchema: { n: 'integer' as 'number' } })).rejects.toMatchObject({
          code: 'invalid_field_schema',
          details: [expect.objectContaining({ field: 'field_schema.n' })],
        })
      })

      it('get of an unknown raw metric is not found, with a hint', async () => {
        const org = await newOrg()
        await expect(ledger.rawMetrics.get(org.id, 'cpu_usage')).rejects.toMatchObject({
          category: 'not_found',
          code: 'raw_metric_not_found',
          extra: { hint: 'Create it with `tally raw-metrics create cpu_usage` or POST /v1/raw-metrics' },
        })
      })
    })

    describeInvoiceLifecycleRefusals(() => ({ ledger, handle }))

    describe('tenant isolation', () => {
      it('organisation B sees none of organisation A’s customers, raw metrics or keys', async () => {
        const a = await newOrg('A')
        const b = await newOrg('B')
        await ledger.customers.create({ orgId: a.id, externalId: 'secret_customer', name: 'S' })
        await ledger.rawMetrics.create({ orgId: a.id, name: 'secret_metric' })
        await ledger.apiKeys.create({ orgId: a.id, name: 'a key' })

        expect((await ledger.customers.list(b.id)).customers).toEqual([])
        expect(await ledger.customers.exists(b.id, ['secret_customer'])).toEqual(new Set())
        await expect(ledger.customers.get(b.id, 'secret_customer')).rejects.toMatchObject({ code: 'customer_not_found' })
        expect(await ledger.rawMetrics.list(b.id)).toEqual([])
        await expect(ledger.rawMetrics.get(b.id, 'secret_metric')).rejects.toMatchObject({ code: 'raw_metric_not_found' })
        expect(await ledger.apiKeys.list(b.id)).toEqual([])
      })
    })
  })
}
