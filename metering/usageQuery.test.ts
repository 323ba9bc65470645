import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { listEvents } from './eventQuery.ts'
import { createEventWriter } from './eventWriter.ts'
import { queryUsage } from './usageQuery.ts'

let ch: TestClickHouse

beforeAll(async () => {
  ch = await openTestClickHouse()
  const writer = createEventWriter(ch.handle)
  await writer.write([
    // acme, 10:15 and 10:16 (hour 10), and 11:05 (hour 11); all on 2024-03-05
    eventRow({ org_id: 'org-u', customer_id: 'acme', event_id: 'u1', timestamp: '2024-03-05 10:15:30.000', data: '{"cpu":"1","gb":"2.25"}' }),
    eventRow({ org_id: 'org-u', customer_id: 'acme', event_id: 'u2', timestamp: '2024-03-05 10:15:59.999', data: '{"cpu":"5"}' }),
    eventRow({ org_id: 'org-u', customer_id: 'acme', event_id: 'u3', timestamp: '2024-03-05 10:16:00.000', data: '{"cpu":"1.5","note":"hello"}' }),
    eventRow({ org_id: 'org-u', customer_id: 'acme', event_id: 'u4', timestamp: '2024-03-05 11:05:00.000', data: '{}' }),
    // globex, 10:20
    eventRow({ org_id: 'org-u', customer_id: 'globex', event_id: 'u5', timestamp: '2024-03-05 10:20:00.000', data: '{"cpu":"-0.5"}' }),
    // another metric and another org: never in org-u's cpu_usage answers
    eventRow({ org_id: 'org-u', raw_metric: 'storage', customer_id: 'acme', event_id: 'u6', data: '{"cpu":"1000"}' }),
    eventRow({ org_id: 'org-other', customer_id: 'acme', event_id: 'u7', data: '{"cpu":"1000"}' }),
    // how numeric values are recognised (numbers written as the ClickHouse parser sees them)
    eventRow({
      org_id: 'org-num',
      event_id: 'n1',
      data: '{"json_number":2.5,"exp":"1e3","lead_space":" 5","plus":"+5","dot":".5","neg":"-0.5","too_precise":"1.0000000019","bool":true,"nul":null,"obj":{"a":"1"},"arr":["1"],"word":"five","empty":""}',
    }),
  ])
  await writer.close()
})
afterAll(async () => {
  await ch.destroy()
})

const day = { from: new Date('2024-03-05T00:00:00Z'), to: new Date('2024-03-06T00:00:00Z') }

describe('queryUsage', () => {
  it('returns one entry per bucket and customer, every number a string', async () => {
    const result = await queryUsage(ch.handle, { orgId: 'org-u', rawMetric: 'cpu_usage', ...day, granularity: 'hour' })
    expect(result).toEqual({
      buckets: [
        {
          bucket: '2024-03-05T10:00:00.000Z',
          customer_id: 'acme',
          events: '3',
          // cpu: 1 + 5 + 1.5 = 7.5
          fields: { cpu: { count: '3', sum: '7.5', min: '1', max: '5' }, gb: { count: '1', sum: '2.25', min: '2.25', max: '2.25' } },
        },
        { bucket: '2024-03-05T10:00:00.000Z', customer_id: 'globex', events: '1', fields: { cpu: { count: '1', sum: '-0.5', min: '-0.5', max: '-0.5' } } },
        { bucket: '2024-03-05T11:00:00.000Z', customer_id: 'acme', events: '1', fields: {} },
      ],
    })
  })

  it('filters by customer and splits minutes', async () => {
    const result = await queryUsage(ch.handle, { orgId: 'org-u', rawMetric: 'cpu_usage', customerId: 'acme', ...day, granularity: 'minute' })
    expect(result.buckets.map((b) => [b.bucket, b.events, b.fields.cpu?.sum])).toEqual([
      ['2024-03-05T10:15:00.000Z', '2', '6'],
      ['2024-03-05T10:16:00.000Z', '1', '1.5'],
      ['2024-03-05T11:05:00.000Z', '1', undefined],
    ])
  })

  it('merges hours into UTC days', async () => {
    const result = await queryUsage(ch.handle, { orgId: 'org-u', rawMetric: 'cpu_usage', customerId: 'acme', ...day, granularity: 'day' })
    expect(result.buckets).toEqual([
      {
        bucket: '2024-03-05T00:00:00.000Z',
        customer_id: 'acme',
        events: '4',
        fields: { cpu: { count: '3', sum: '7.5', min: '1', max: '5' }, gb: { count: '1', sum: '2.25', min: '2.25', max: '2.25' } },
      },
    ])
  })

  it('selects buckets by start in [from, to)', async () => {
    const q = { orgId: 'org-u', rawMetric: 'cpu_usage', customerId: 'acme', granularity: 'hour' as const }
    // to = 11:00 excludes the 11:00 bucket; from = 10:30 excludes the 10:00 bucket (its start is before from).
    const tenOnly = await queryUsage(ch.handle, { ...q, from: new Date('2024-03-05T10:00:00Z'), to: new Date('2024-03-05T11:00:00Z') })
    expect(tenOnly.buckets.map((b) => b.bucket)).toEqual(['2024-03-05T10:00:00.000Z'])
    const fromHalfPast = await queryUsage(ch.handle, { ...q, from: new Date('2024-03-05T10:30:00Z'), to: new Date('2024-03-05T12:00:00Z') })
    expect(fromHalfPast.buckets.map((b) => b.bucket)).toEqual(['2024-03-05T11:00:00.000Z'])
  })

  it('recognises numeric fields as toDecimal128OrNull(…, 9) does', async () => {
    const [bucket] = (await queryUsage(ch.handle, { orgId: 'org-num', rawMetric: 'cpu_usage', ...day, granularity: 'day' })).buckets
    const sums = Object.fromEntries(Object.entries(bucket?.fields ?? {}).map(([k, v]) => [k, v.sum]))
    expect(sums).toEqual({
      json_number: '2.5',
      exp: '1000',
      plus: '5',
      dot: '0.5',
      neg: '-0.5',
      // NOTE: digits past the 9th fractional one are truncated, not rounded.
      too_precise: '1.000000001',
    })
    expect(bucket?.events).toBe('1')
  })

  it('returns nothing for another organisation', async () => {
    const result = await queryUsage(ch.handle, { orgId: 'org-nobody', rawMetric: 'cpu_usage', ...day, granularity: 'hour' })
    expect(result).toEqual({ buckets: [] })
  })
})

describe('listEvents', () => {
  it('lists newest first with the payload parsed, numbers still strings', async () => {
    const { events, next } = await listEvents(ch.handle, { orgId: 'org-u', customerId: 'acme', rawMetric: 'cpu_usage', limit: 2 })
    expect(next).toEqual({ order: 'timestamp', key: '2024-03-05 10:16:00.000', eventId: 'u3' })
    expect(events).toEqual([
      {
        event_id: 'u4',
        raw_metric: 'cpu_usage',
        customer_id: 'acme',
        timestamp: '2024-03-05T11:05:00.000Z',
        data: {},
        ingested_at: '2024-03-05T10:15:31.000Z',
        source: 'api',
      },
      {
        event_id: 'u3',
        raw_metric: 'cpu_usage',
        customer_id: 'acme',
        timestamp: '2024-03-05T10:16:00.000Z',
        data: { cpu: '1.5', note: 'hello' },
        ingested_at: '2024-03-05T10:15:31.000Z',
        source: 'api',
      },
    ])
  })

  it('is scoped to the organisation and filters', async () => {
    const ids = async (q: Omit<Parameters<typeof listEvents>[1], 'limit'>) => (await listEvents(ch.handle, { ...q, limit: 100 })).events.map((e) => e.event_id)
    expect(await ids({ orgId: 'org-u' })).toEqual(['u4', 'u5', 'u3', 'u2', 'u6', 'u1'])
    expect(await ids({ orgId: 'org-u', rawMetric: 'storage' })).toEqual(['u6'])
    expect(await ids({ orgId: 'org-other' })).toEqual(['u7'])
    // [from, to): 10:15:59.999 is in, 10:20:00.000 is out.
    expect(await ids({ orgId: 'org-u', from: new Date('2024-03-05T10:15:59.999Z'), to: new Date('2024-03-05T10:20:00.000Z') })).toEqual(['u3', 'u2'])
  })

  it('pages through every event once by cursor, including events that share a timestamp (u6 and u1)', async () => {
    const pages: string[][] = []
    let after: Parameters<typeof listEvents>[1]['after']
    for (;;) {
      const page = await listEvents(ch.handle, { orgId: 'org-u', limit: 2, ...(after === undefined ? {} : { after }) })
      pages.push(page.events.map((e) => e.event_id))
      if (page.next === null) break
      after = page.next
    }
    expect(pages).toEqual([
      ['u4', 'u5'],
      ['u3', 'u2'],
      ['u6', 'u1'],
    ])
  })
})
