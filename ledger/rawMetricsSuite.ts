// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. Raw metrics: create,
// get and list by name; duplicate and invalid names and field schemas refused.
import { describe, expect, it } from 'vitest'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

export function describeRawMetricSuite(t: TestLedger): void {
  describe('raw metrics', () => {
    it('create, get and list (by name)', async () => {
      const org = await newTestOrg(t.ledger)
      const cpu = await t.ledger.rawMetrics.create({
        now: testNow(),
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
      const api = await t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: 'api_calls' })
      expect(api).toMatchObject({ description: null, fieldSchema: null })
      expect(await t.ledger.rawMetrics.get(org.id, 'cpu_usage')).toEqual(cpu)
      expect((await t.ledger.rawMetrics.list(org.id)).map((m) => m.name)).toEqual(['api_calls', 'cpu_usage'])
    })

    it('refuses a duplicate name', async () => {
      const org = await newTestOrg(t.ledger)
      await t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: 'events' })
      await expect(t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: 'events' })).rejects.toMatchObject({
        category: 'conflict',
        code: 'raw_metric_exists',
      })
    })

    it('refuses invalid names and field schemas', async () => {
      const org = await newTestOrg(t.ledger)
      for (const name of ['Api', '1abc', 'a-b', '', `a${'b'.repeat(63)}`]) {
        await expect(t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name })).rejects.toMatchObject({
          category: 'validation',
          code: 'invalid_raw_metric_name',
        })
      }
      await expect(t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: `a${'b'.repeat(62)}` })).resolves.toBeDefined()
      await expect(
        t.ledger.rawMetrics.create({ now: testNow(), orgId: org.id, name: 'typed', fieldSchema: { n: 'integer' as 'number' } }),
      ).rejects.toMatchObject({
        code: 'invalid_field_schema',
        details: [expect.objectContaining({ field: 'field_schema.n' })],
      })
    })

    it('get of an unknown raw metric is not found, with a hint', async () => {
      const org = await newTestOrg(t.ledger)
      await expect(t.ledger.rawMetrics.get(org.id, 'cpu_usage')).rejects.toMatchObject({
        category: 'not_found',
        code: 'raw_metric_not_found',
        extra: { hint: 'Create it with `tally raw-metrics create cpu_usage` or POST /v1/raw-metrics' },
      })
    })
  })
}
