// Usage over time as an inline SVG bar chart, drawn on the server (no chart library, no script):
// one bar per bucket, the empty buckets of the range filled with zero so gaps show. The numbers
// are exact decimals (summed with decimal.js); only the bar heights are scaled as floats. The
// chart is an image with a title and a description for screen readers, and the page shows the
// same numbers as a table.
import { Decimal } from 'decimal.js'
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { usageResponseSchema } from '../../metering/http/meteringSchemas.ts'

export type UsageBucket = z.infer<typeof usageResponseSchema>['buckets'][number]
export type Granularity = 'minute' | 'hour' | 'day'

const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }
/** Beyond this many buckets the range is not filled with zeros (bars would be under a pixel). */
const MAX_FILLED = 500

/** A bucket's value of the measure: its events, or the sum of a numeric data field. */
const measured = (b: UsageBucket, measure: string): string => (measure === 'events' ? b.events : (b.fields[measure]?.sum ?? '0'))

export interface UsagePoint {
  start: string
  value: string
}

export interface UsageSeries {
  points: UsagePoint[]
  total: string
}

/**
 * One value per bucket start: the events, or the sum of a numeric field (`measure`), added over
 * the buckets' customers; the buckets of [from, to) without usage are zero when they are few enough.
 */
export function usageSeries(input: { buckets: UsageBucket[]; from: Date; to: Date; granularity: Granularity; measure: string }): UsageSeries {
  const sums = new Map<string, Decimal>()
  const valueOf = (b: UsageBucket) => measured(b, input.measure)
  for (const b of input.buckets) {
    const key = new Date(b.bucket).toISOString()
    sums.set(key, (sums.get(key) ?? new Decimal(0)).plus(valueOf(b)))
  }
  const step = STEP_MS[input.granularity]
  const count = Math.ceil((input.to.getTime() - input.from.getTime()) / step)
  if (count <= MAX_FILLED) {
    for (let t = input.from.getTime(); t < input.to.getTime(); t += step) {
      const key = new Date(t).toISOString()
      if (!sums.has(key)) sums.set(key, new Decimal(0))
    }
  }
  const points = [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([start, v]) => ({ start, value: v.toFixed() }))
  const total = points.reduce((acc, p) => acc.plus(p.value), new Decimal(0))
  return { points, total: total.toFixed() }
}

/** Each customer's total over the range (events or a field's sum), largest first, exact. */
export function customerTotals(buckets: UsageBucket[], measure: string): { customer_id: string; total: string }[] {
  const sums = new Map<string, Decimal>()
  for (const b of buckets) {
    const v = measured(b, measure)
    sums.set(b.customer_id, (sums.get(b.customer_id) ?? new Decimal(0)).plus(v))
  }
  return [...sums.entries()]
    .sort(([a, x], [b, y]) => y.comparedTo(x) || a.localeCompare(b))
    .map(([customer_id, total]) => ({ customer_id, total: total.toFixed() }))
}

/** A bucket start as the chart labels it: the day, or the day and time (UTC). */
export function bucketLabel(iso: string, granularity: Granularity): string {
  return granularity === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')}`
}

const W = 960
const H = 260
const PAD = { left: 64, right: 16, top: 16, bottom: 40 }

export const UsageChart: FC<{ series: UsageSeries; granularity: Granularity; title: string }> = ({ series, granularity, title }) => {
  const { points } = series
  const max = points.reduce((m, p) => Decimal.max(m, p.value), new Decimal(0))
  const plotW = W - PAD.left - PAD.right
  const plotH = H - PAD.top - PAD.bottom
  const slot = points.length === 0 ? plotW : plotW / points.length
  const height = (v: string) => (max.isZero() ? 0 : new Decimal(v).div(max).toNumber() * plotH)
  const labelled = points.length <= 1 ? points.map((_, i) => i) : [0, Math.floor((points.length - 1) / 2), points.length - 1]
  const peak = points.find((p) => new Decimal(p.value).equals(max))
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">
      <title id="chart-title">{title}</title>
      <desc id="chart-desc">
        {points.length === 0
          ? 'No usage in this range.'
          : `${points.length} ${granularity} buckets from ${bucketLabel(points[0]!.start, granularity)}; total ${series.total}; highest ${max.toFixed()}${peak === undefined ? '' : ` at ${bucketLabel(peak.start, granularity)}`}. The table below lists every bucket.`}
      </desc>
      <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
      <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
      <text class="tick" x={PAD.left - 8} y={PAD.top + 4} text-anchor="end">
        {max.toFixed()}
      </text>
      <text class="tick" x={PAD.left - 8} y={PAD.top + plotH} text-anchor="end">
        0
      </text>
      {points.map((p, i) => {
        const h = height(p.value)
        return (
          <rect class="bar" x={PAD.left + i * slot + slot * 0.1} y={PAD.top + plotH - h} width={Math.max(slot * 0.8, 0.5)} height={h}>
            <title>{`${bucketLabel(p.start, granularity)}: ${p.value}`}</title>
          </rect>
        )
      })}
      {labelled.map((i) => (
        <text class="tick" x={PAD.left + i * slot + slot / 2} y={H - PAD.bottom + 18} text-anchor="middle">
          {bucketLabel(points[i]!.start, granularity)}
        </text>
      ))}
    </svg>
  )
}
