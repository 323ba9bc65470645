import { describe, expect, it } from 'vitest'
import { customerTotals, UsageChart, usageSeries, type UsageBucket } from './usageChart.tsx'

const bucket = (at: string, customer: string, events: string, bytes?: string): UsageBucket => ({
  bucket: at,
  customer_id: customer,
  events,
  fields: bytes === undefined ? {} : { bytes: { count: events, sum: bytes, min: '0', max: bytes } },
})

const FEB = { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-05T00:00:00Z'), granularity: 'day' as const }

describe('usageSeries', () => {
  it('adds customers per bucket exactly and fills the empty days of the range with zero', () => {
    // Feb 1: acme 3 + globex 4 = 7; Feb 3: acme 2; Feb 2 and Feb 4 have none. Total 9.
    const s = usageSeries({
      ...FEB,
      measure: 'events',
      buckets: [bucket('2026-02-01T00:00:00Z', 'acme', '3'), bucket('2026-02-01T00:00:00Z', 'globex', '4'), bucket('2026-02-03T00:00:00Z', 'acme', '2')],
    })
    expect(s.points).toEqual([
      { start: '2026-02-01T00:00:00.000Z', value: '7' },
      { start: '2026-02-02T00:00:00.000Z', value: '0' },
      { start: '2026-02-03T00:00:00.000Z', value: '2' },
      { start: '2026-02-04T00:00:00.000Z', value: '0' },
    ])
    expect(s.total).toBe('9')
  })

  it("charts a field's sum without losing decimals: 0.1 + 0.2 = 0.3", () => {
    const s = usageSeries({
      ...FEB,
      measure: 'bytes',
      buckets: [bucket('2026-02-02T00:00:00Z', 'acme', '1', '0.1'), bucket('2026-02-02T00:00:00Z', 'b', '1', '0.2')],
    })
    expect(s.points.find((p) => p.start.startsWith('2026-02-02'))!.value).toBe('0.3')
    expect(s.total).toBe('0.3')
  })

  it('does not fill a range of more than 500 buckets', () => {
    const s = usageSeries({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
      granularity: 'hour',
      measure: 'events',
      buckets: [bucket('2026-01-02T05:00:00Z', 'a', '1')],
    })
    expect(s.points).toEqual([{ start: '2026-01-02T05:00:00.000Z', value: '1' }])
  })
})

describe('customerTotals', () => {
  it("adds each customer's buckets, largest first (ties by id)", () => {
    // acme 3 + 2 = 5, globex 4, initech 4.
    const buckets = [
      bucket('2026-02-01T00:00:00Z', 'acme', '3'),
      bucket('2026-02-01T00:00:00Z', 'initech', '4'),
      bucket('2026-02-01T00:00:00Z', 'globex', '4'),
      bucket('2026-02-03T00:00:00Z', 'acme', '2'),
    ]
    expect(customerTotals(buckets, 'events')).toEqual([
      { customer_id: 'acme', total: '5' },
      { customer_id: 'globex', total: '4' },
      { customer_id: 'initech', total: '4' },
    ])
  })
})

describe('UsageChart', () => {
  it('is an image with a title and a description, one bar per bucket, the tallest the full height', async () => {
    const series = usageSeries({
      ...FEB,
      measure: 'events',
      buckets: [bucket('2026-02-01T00:00:00Z', 'acme', '4'), bucket('2026-02-03T00:00:00Z', 'acme', '2')],
    })
    const svg = String(await UsageChart({ series, granularity: 'day', title: 'Events of api_calls per day' })?.toString())
    expect(svg).toContain('role="img"')
    expect(svg).toContain('<title id="chart-title">Events of api_calls per day</title>')
    expect(svg).toContain('4 day buckets from 2026-02-01; total 6; highest 4 at 2026-02-01.')
    const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]))
    // Plot height 204 (260 − 16 − 40): 4 → 204, 2 → 102, the empty days 0.
    expect(heights).toEqual([204, 0, 102, 0])
  })
})
