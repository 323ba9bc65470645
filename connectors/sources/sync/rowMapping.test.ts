import { describe, expect, it } from 'vitest'
import type { SourceSyncSpec } from '../../../ledger/sourceStore.ts'
import { columnPlan, eventTimestamp, rowMapper, sourceEventId } from './rowMapping.ts'

const spec: SourceSyncSpec = {
  table: 'usage',
  mapping: {
    customerId: 'account',
    timestamp: 'at',
    keyColumns: ['id'],
    data: { tokens: { column: 'tokens', type: 'number' }, cached: { column: 'cached', type: 'boolean' }, region: { column: 'region', type: 'string' } },
  },
  cursor: { column: 'updated_at', type: 'time', lateness: '60' },
}
const plan = columnPlan(spec)
const mapRow = rowMapper({ spec, plan, orgId: 'org-1', rawMetric: 'tokens' })
const row = (values: Record<string, string | null>) => plan.columns.map((c) => values[c] ?? null)

describe('row mapping', () => {
  it('reads each named column once, the cursor first', () => {
    expect(plan.columns).toEqual(['updated_at', 'account', 'at', 'id', 'tokens', 'cached', 'region'])
  })

  it('maps a row to the envelope, its id a hash of the key columns that does not change when the row does', () => {
    const mapped = mapRow(row({ account: 'c1', at: '2026-03-01 10:00:00.123456+00', id: '7', tokens: '12.500000', cached: 't', region: 'eu' }))
    const id = sourceEventId({ orgId: 'org-1', rawMetric: 'tokens', keys: ['7'] })
    // sha256('org-1\0tokens\0["7"]'), first 32 hex digits: rows synced before keep their events' ids.
    expect(id).toBe('8ef8b7a239a7f9878cef2df00c27b1d7')
    expect(mapped).toEqual({
      ok: true,
      key: '7',
      item: {
        raw_metric: 'tokens',
        customer_id: 'c1',
        timestamp: '2026-03-01 10:00:00.123456+00:00',
        event_id: id,
        data: { tokens: '12.500000', cached: true, region: 'eu' },
      },
    })
    const updated = mapRow(row({ account: 'c1', at: '2026-03-01 10:00:00.123456+00', id: '7', tokens: '99' }))
    expect(updated.ok && updated.item['event_id']).toBe(id)
    expect(sourceEventId({ orgId: 'org-1', rawMetric: 'tokens', keys: ['8'] })).not.toBe(id)
  })

  it('rejects a row by its key: no customer, a number that is not decimal, a boolean that is not one', () => {
    expect(mapRow(row({ account: null, at: '2026-03-01', id: '1' }))).toMatchObject({ ok: false, reject: { key: '1', code: 'customer_id_missing' } })
    expect(mapRow(row({ account: 'c1', at: '2026-03-01', id: '2', tokens: 'NaN' }))).toMatchObject({
      ok: false,
      reject: { key: '2', code: 'invalid_number', field: 'tokens' },
    })
    expect(mapRow(row({ account: 'c1', at: '2026-03-01', id: '3', cached: 'maybe' }))).toMatchObject({
      ok: false,
      reject: { key: '3', code: 'invalid_boolean' },
    })
  })

  it('writes Postgres offsets and bare dates as the gateway reads them', () => {
    expect(eventTimestamp('2026-03-01 10:00:00+00')).toBe('2026-03-01 10:00:00+00:00')
    expect(eventTimestamp('2026-03-01 10:00:00.5')).toBe('2026-03-01 10:00:00.5')
    expect(eventTimestamp('2026-03-01')).toBe('2026-03-01 00:00:00')
  })
})
