import { describe, expect, it } from 'vitest'
import type { SourceSyncSpec } from '../../../ledger/sourceStore.ts'
import { parseEventTimestamp } from '../../../ingest/envelope/timestamp.ts'
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
const mapper = rowMapper({ spec, plan, orgId: 'org-1', rawMetric: 'tokens' })
const mapRow = mapper.map
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
      item: {
        raw_metric: 'tokens',
        customer_id: 'c1',
        timestamp: '2026-03-01 10:00:00.123',
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

  it('names a rejected row by its key columns, else its event id, else customer@timestamp', () => {
    expect(mapper.keyOf(row({ id: '9', account: 'c1' }))).toBe('9')
    const byId = rowMapper({ spec: { ...spec, mapping: { ...spec.mapping, keyColumns: undefined, eventId: 'id' } }, plan, orgId: 'o', rawMetric: 'tokens' })
    expect(byId.keyOf(row({ id: 'e-1' }))).toBe('e-1')
    const bare = rowMapper({ spec: { ...spec, mapping: { ...spec.mapping, keyColumns: undefined } }, plan, orgId: 'o', rawMetric: 'tokens' })
    expect(bare.keyOf(row({ account: 'c1', at: '2026-03-01 10:00:00+00' }))).toBe('c1@2026-03-01 10:00:00+00')
  })

  it("writes a UTC time in the gateway's stored form (its fast path), offsets and bare dates as the gateway reads them", () => {
    expect(eventTimestamp('2026-03-01 10:00:00+00')).toBe('2026-03-01 10:00:00.000')
    expect(eventTimestamp('2026-03-01 10:00:00.123456+00')).toBe('2026-03-01 10:00:00.123')
    expect(eventTimestamp('2026-03-01 10:00:00.5')).toBe('2026-03-01 10:00:00.500')
    expect(eventTimestamp('2026-03-01T10:00:00.999999999Z')).toBe('2026-03-01 10:00:00.999')
    expect(eventTimestamp('2026-03-01 10:00:00+00:00')).toBe('2026-03-01 10:00:00.000')
    expect(eventTimestamp('2026-03-01')).toBe('2026-03-01 00:00:00.000')
    expect(eventTimestamp('2026-03-01 10:00:00+05')).toBe('2026-03-01 10:00:00+05:00')
    expect(eventTimestamp('2026-03-01 10:00:00-03:30')).toBe('2026-03-01 10:00:00-03:30')
  })

  it('stores the same instant the gateway stores for the source text as it is, or rejects it the same way', () => {
    const texts = [
      '2026-03-01 10:00:00+00',
      '2026-03-01 10:00:00.123456+00',
      '2026-03-01 23:59:59.9999+00',
      '2024-02-29 12:00:00',
      '2026-03-01T10:00:00.5Z',
      '2026-03-01',
      '2026-03-01 10:00:00+05',
      '2026-02-30 10:00:00+00',
      '2026-03-01 24:00:00',
      '1969-12-31 23:59:59+00',
    ]
    const stored = (text: string) => {
      const r = parseEventTimestamp(text)
      return r.ok ? r.text : 'rejected'
    }
    const asBefore = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text} 00:00:00` : /[+-]\d{2}$/.test(text) ? `${text}:00` : text)
    expect(texts.map((t) => stored(eventTimestamp(t)))).toEqual(texts.map((t) => stored(asBefore(t))))
    expect(stored(eventTimestamp('2026-02-30 10:00:00+00'))).toBe('rejected')
  })
})
