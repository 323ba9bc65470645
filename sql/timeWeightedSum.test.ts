// The builder's TIME_WEIGHTED_SUM and rounding, run on chDB. Every expected quantity is worked
// out below in decimals from the readings, following the semantics in timeWeightedSum.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { metricVersionInputSchema, resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'
import { validateMetricVersion } from './validateTemplate.ts'

const ORG = 'org-tws'
const PERIOD = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }

// acme, vol-1 (eu): 10 GB from 20 Feb carries in at 1 Mar 00:00 and holds until 11 Mar 00:00
//   (10 days = 240 h): 10 × 240 = 2,400 GB-h; 20 GB from 11 Mar holds until the period end
//   (21 days = 504 h): 20 × 504 = 10,080 GB-h. The "n/a" reading is ignored; the 1,000 GB
//   reading at 1 Apr 00:00 is outside the period. vol-1: 2,400 + 10,080 = 12,480 GB-h.
// acme, vol-2 (us): two readings at 31 Mar 22:30:00.000; by event_id "t-a" (1.5 GB) holds 0 ms,
//   "t-b" (3 GB) holds until the period end, 1.5 h: 3 × 1.5 = 4.5 GB-h.
// acme: 12,480 + 4.5 = 12,484.5 GB-h.
// zeta, vol-9: 7 GB from 15 Mar 12:00:00.000, 0 GB from 16 Mar 12:00:00.001: 7 × 86,400,001 ms
//   = 604,800,007 GB-ms ÷ 3,600,000 = 168.000001944444… → 168.000001944 (9 places, truncated).
// org-other's reading for acme never counts.
const READINGS: Array<[string, string, string, string, Record<string, string>]> = [
  ['acme', 't-1', '2024-02-20 00:00:00.000', ORG, { volume_id: 'vol-1', region: 'eu', gb: '10' }],
  ['acme', 't-2', '2024-03-11 00:00:00.000', ORG, { volume_id: 'vol-1', region: 'eu', gb: '20' }],
  ['acme', 't-3', '2024-03-12 00:00:00.000', ORG, { volume_id: 'vol-1', region: 'eu', gb: 'n/a' }],
  ['acme', 't-4', '2024-04-01 00:00:00.000', ORG, { volume_id: 'vol-1', region: 'eu', gb: '1000' }],
  ['acme', 't-a', '2024-03-31 22:30:00.000', ORG, { volume_id: 'vol-2', region: 'us', gb: '1.5' }],
  ['acme', 't-b', '2024-03-31 22:30:00.000', ORG, { volume_id: 'vol-2', region: 'us', gb: '3' }],
  ['zeta', 't-9', '2024-03-15 12:00:00.000', ORG, { volume_id: 'vol-9', region: 'eu', gb: '7' }],
  ['zeta', 't-10', '2024-03-16 12:00:00.001', ORG, { volume_id: 'vol-9', region: 'eu', gb: '0' }],
  ['acme', 'x-1', '2024-03-02 00:00:00.000', 'org-other', { volume_id: 'vol-1', region: 'eu', gb: '999' }],
]

let ch: TestClickHouse
beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-tws-')
  const writer = createEventWriter(ch.handle)
  await writer.write(
    READINGS.map(([customer_id, event_id, timestamp, org_id, data]) =>
      eventRow({ org_id, raw_metric: 'storage', customer_id, event_id, timestamp, data: JSON.stringify(data) }),
    ),
  )
  await writer.close()
})
afterAll(async () => {
  await ch?.destroy()
})

async function run(builder: Record<string, unknown>) {
  const version = resolveMetricVersion(
    metricVersionInputSchema.parse({ unit: 'GB-hour', mode: 'builder', builder: { raw_metric: 'storage', usage_field: 'gb', ...builder } }),
  )
  expect((await validateMetricVersion({ handle: ch.handle, orgId: ORG, version })).issues).toEqual([])
  const result = await metricQuantities({ handle: ch.handle, orgId: ORG, version, customerIds: ['acme', 'zeta', 'nobody'], period: PERIOD })
  return result.customers
}

describe('TIME_WEIGHTED_SUM on chDB', () => {
  it('bills GB-hours from gauge readings per volume: carry-in, ties, unparsable and out-of-period readings', async () => {
    const customers = await run({ aggregation: 'TIME_WEIGHTED_SUM', series_field: 'volume_id' })
    expect(customers.map((c) => [c.customerId, c.quantity])).toEqual([
      ['acme', '12484.5'],
      ['zeta', '168.000001944'],
      ['nobody', '0'],
    ])
  })

  it("without a series, one customer's volumes are one gauge: each reading holds until the next of any volume", async () => {
    // acme: 10 GB 1 Mar → 11 Mar (240 h) = 2,400; 20 GB 11 Mar → 31 Mar 22:30 (20 days 22.5 h =
    // 502.5 h) = 10,050; 1.5 GB for 0 ms; 3 GB for 1.5 h = 4.5. 2,400 + 10,050 + 4.5 = 12,454.5.
    const customers = await run({ aggregation: 'TIME_WEIGHTED_SUM' })
    expect(customers.find((c) => c.customerId === 'acme')!.quantity).toBe('12454.5')
  })

  it('groups by a dimension, in GB-days', async () => {
    // eu: vol-1's 12,480 GB-h ÷ 24 = 520 GB-days; us: 4.5 GB-h ÷ 24 = 0.1875 GB-days.
    const customers = await run({ aggregation: 'TIME_WEIGHTED_SUM', series_field: 'volume_id', group_by: ['region'], time_unit: 'day' })
    const acme = customers.find((c) => c.customerId === 'acme')!
    expect(acme.rows.map((r) => [r.region, r.quantity])).toEqual([
      ['eu', '520'],
      ['us', '0.1875'],
    ])
    expect(acme.quantity).toBe('520.1875')
  })

  it.each([
    // 12,484.5 and 168.000001944 to 0 places.
    ['half_up', '12485', '168'],
    ['half_even', '12484', '168'],
    ['down', '12484', '168'],
    ['up', '12485', '169'],
  ])('rounds the quantity %s', async (mode, acme, zeta) => {
    const customers = await run({ aggregation: 'TIME_WEIGHTED_SUM', series_field: 'volume_id', rounding: { mode, decimals: 0 } })
    expect(customers.slice(0, 2).map((c) => c.quantity)).toEqual([acme, zeta])
  })

  it('rounds a one-pass aggregation too: the latest reading per customer to 1 place', async () => {
    // LATEST in March: acme's t-b (3 GB, after t-a by event_id at the same instant); zeta's 0.
    // AVG in March, acme: (20 + 1.5 + 3) ÷ 3 = 8.166666666 → half_up to 1 place 8.2, down 8.1.
    expect((await run({ aggregation: 'LATEST', rounding: { mode: 'half_up', decimals: 1 } })).map((c) => c.quantity)).toEqual(['3', '0', '0'])
    expect((await run({ aggregation: 'AVG', rounding: { mode: 'half_up', decimals: 1 } }))[0]!.quantity).toBe('8.2')
    expect((await run({ aggregation: 'AVG', rounding: { mode: 'down', decimals: 1 } }))[0]!.quantity).toBe('8.1')
  })
})
