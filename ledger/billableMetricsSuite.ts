// The billable-metric repository contract, run on PGlite and on the Postgres server.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import type { BillableMetricVersionFields } from './billableMetrics.ts'
import type { Ledger } from './ledger.ts'
import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'

const fields = (customerQuery: string, extra: Partial<BillableMetricVersionFields> = {}): BillableMetricVersionFields => ({
  unit: 'API call',
  description: null,
  mode: 'sql',
  builder: null,
  rawMetrics: ['api_calls'],
  aggregateQuery: null,
  customerQuery,
  dimensions: [],
  parameters: [],
  ...extra,
})

export function describeBillableMetricSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`billable metrics: ${name}`, () => {
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
    const newOrg = async () => (await ledger.organisations.create({ now: testNow(), name: `Org ${randomUUID().slice(0, 8)}` })).id

    it('creates version 1 and appends versions; every version stays readable as stored', async () => {
      const orgId = await newOrg()
      const v1 = await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'api_calls', fields: fields('SELECT 1 AS quantity') })
      expect(v1).toMatchObject({ orgId, name: 'api_calls', version: 1, customerQuery: 'SELECT 1 AS quantity', rawMetrics: ['api_calls'] })
      const v2 = await ledger.billableMetrics.addVersion({
        now: testNow(),
        orgId,
        name: 'api_calls',
        fields: fields('SELECT 2 AS quantity', {
          mode: 'builder',
          builder: { raw_metric: 'api_calls', aggregation: 'COUNT' },
          dimensions: ['region'],
          parameters: [{ name: 'tier', type: 'String', default: 'gold' }],
          aggregateQuery: 'SELECT 1',
        }),
      })
      expect(v2).toMatchObject({ version: 2, mode: 'builder', dimensions: ['region'], parameters: [{ name: 'tier', type: 'String', default: 'gold' }] })
      expect(await ledger.billableMetrics.get(orgId, 'api_calls', 1)).toEqual(v1)
      expect(await ledger.billableMetrics.get(orgId, 'api_calls')).toEqual(v2)
      expect((await ledger.billableMetrics.listVersions(orgId, 'api_calls')).map((v) => v.version)).toEqual([1, 2])
      expect(await ledger.billableMetrics.list(orgId)).toEqual([
        {
          id: v1.metricId,
          name: 'api_calls',
          latestVersion: 2,
          unit: 'API call',
          description: null,
          mode: 'builder',
          createdAt: expect.any(String),
          updatedAt: v2.createdAt,
          archivedAt: null,
        },
      ])
    })

    it('archives: hidden from lists, every version still readable, refused for new plans and contracts; idempotent', async () => {
      const orgId = await newOrg()
      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'old_calls', fields: fields('SELECT 1 AS quantity') })
      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'new_calls', fields: fields('SELECT 2 AS quantity') })
      const product = await ledger.products.create({ now: testNow(), orgId, name: 'Old API', kind: 'metered', metricName: 'old_calls', metricVersion: 1 })
      await ledger.customers.create({ now: testNow(), orgId, externalId: 'c1', name: 'C1' })
      const item = { product_id: product.id, billing: 'in_arrears' as const, price: { model: 'per_unit' as const, currency: 'USD', unit_price: '0.10' } }
      const contract = {
        orgId,
        customer: 'c1',
        currency: 'USD',
        startDate: '2026-10-01',
        cadence: 'monthly' as const,
        phases: [{ start_date: '2026-10-01', items: [item] }],
        now: testNow(),
      }
      const existing = await ledger.contracts.create(contract)

      // The time is the caller's (a clock), and the first archive's time stands.
      const { archivedAt } = await ledger.billableMetrics.archive(orgId, 'old_calls', new Date('2026-11-02T10:00:00Z'))
      expect(archivedAt).toBe('2026-11-02T10:00:00.000Z')
      expect(await ledger.billableMetrics.archive(orgId, 'old_calls', new Date('2026-11-03T10:00:00Z'))).toEqual({ archivedAt })
      expect((await ledger.billableMetrics.list(orgId)).map((m) => m.name)).toEqual(['new_calls'])
      expect((await ledger.billableMetrics.list(orgId, { includeArchived: true })).map((m) => [m.name, m.archivedAt])).toEqual([
        ['new_calls', null],
        ['old_calls', archivedAt],
      ])
      expect(await ledger.billableMetrics.get(orgId, 'old_calls', 1)).toMatchObject({ version: 1, customerQuery: 'SELECT 1 AS quantity' })
      await expect(ledger.contracts.create(contract)).rejects.toMatchObject({
        code: 'billable_metric_archived',
        details: [{ field: 'phases[0].items[0].product_id' }],
      })
      await expect(ledger.plans.create({ now: testNow(), orgId, name: 'Pro', currency: 'USD', items: [item] })).rejects.toMatchObject({
        code: 'billable_metric_archived',
      })
      expect((await ledger.contracts.get(orgId, existing.id)).id).toBe(existing.id)
      await expect(ledger.billableMetrics.archive(orgId, 'nope', new Date('2026-11-02T10:00:00Z'))).rejects.toMatchObject({ code: 'billable_metric_not_found' })
    })

    it('deletes a metric no product uses, and refuses one a product is bound to with billable_metric_in_use', async () => {
      const orgId = await newOrg()
      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'used', fields: fields('SELECT 1 AS quantity') })
      await ledger.billableMetrics.addVersion({ now: testNow(), orgId, name: 'used', fields: fields('SELECT 2 AS quantity') })
      await ledger.products.create({ now: testNow(), orgId, name: 'API', kind: 'metered', metricName: 'used', metricVersion: 1 })
      await expect(ledger.billableMetrics.delete(orgId, 'used')).rejects.toMatchObject({ code: 'billable_metric_in_use', extra: { products: ['API'] } })
      expect((await ledger.billableMetrics.listVersions(orgId, 'used')).length).toBe(2)

      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'draft', fields: fields('SELECT 1 AS quantity') })
      await ledger.billableMetrics.addVersion({ now: testNow(), orgId, name: 'draft', fields: fields('SELECT 2 AS quantity') })
      await ledger.billableMetrics.delete(orgId, 'draft')
      await expect(ledger.billableMetrics.get(orgId, 'draft')).rejects.toMatchObject({ code: 'billable_metric_not_found' })
      // The name is free again, from version 1.
      expect(await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'draft', fields: fields('SELECT 3 AS quantity') })).toMatchObject({
        version: 1,
      })
      await expect(ledger.billableMetrics.delete(orgId, 'nope')).rejects.toMatchObject({ code: 'billable_metric_not_found' })
    })

    it('concurrent edits get consecutive versions, none lost', async () => {
      const orgId = await newOrg()
      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'm', fields: fields('SELECT 0 AS quantity') })
      await Promise.all(
        [1, 2, 3, 4, 5].map((i) => ledger.billableMetrics.addVersion({ now: testNow(), orgId, name: 'm', fields: fields(`SELECT ${i} AS quantity`) })),
      )
      const versions = await ledger.billableMetrics.listVersions(orgId, 'm')
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6])
      expect(new Set(versions.map((v) => v.customerQuery)).size).toBe(6)
    })

    it('answers conflicts and missing metrics with codes, and keeps organisations apart', async () => {
      const orgId = await newOrg()
      const other = await newOrg()
      await ledger.billableMetrics.create({ now: testNow(), orgId, name: 'm', fields: fields('SELECT 1 AS quantity') })
      await expect(ledger.billableMetrics.create({ now: testNow(), orgId, name: 'm', fields: fields('x') })).rejects.toMatchObject({
        code: 'billable_metric_exists',
      })
      await expect(ledger.billableMetrics.get(other, 'm')).rejects.toMatchObject({ code: 'billable_metric_not_found' })
      await expect(ledger.billableMetrics.addVersion({ now: testNow(), orgId: other, name: 'm', fields: fields('x') })).rejects.toMatchObject({
        code: 'billable_metric_not_found',
      })
      await expect(ledger.billableMetrics.get(orgId, 'm', 7)).rejects.toMatchObject({ code: 'billable_metric_version_not_found' })
      expect(await ledger.billableMetrics.list(other)).toEqual([])
      // The same name in another organisation is a different metric.
      expect(await ledger.billableMetrics.create({ now: testNow(), orgId: other, name: 'm', fields: fields('SELECT 9 AS quantity') })).toMatchObject({
        version: 1,
      })
      await expect(ledger.billableMetrics.create({ now: testNow(), orgId: randomUUID(), name: 'm', fields: fields('x') })).rejects.toMatchObject({
        code: 'organisation_not_found',
      })
      await expect(ledger.billableMetrics.list('not-a-uuid')).rejects.toMatchObject({ code: 'organisation_not_found' })
    })
  })
}
