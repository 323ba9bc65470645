// Usage pages: the chart of a raw metric's rollups (GET /v1/usage), the live tail (its island
// polls GET /v1/events), unmatched customers (GET /v1/usage/unmatched) and dead letters
// (GET /v1/dead-letters). Every read is the API's, with the session's key.
import { UsageChartPage, type UsageQuery } from '../pages/usage.tsx'
import { customerTotals, usageSeries, type Granularity, type UsageBucket } from '../pages/usageChart.tsx'
import { DEAD_LETTER_CODES, DEAD_LETTER_PAGE, DeadLettersPage, LiveTailPage, UnmatchedPage, type DeadLetters, type Unmatched } from '../pages/usageLists.tsx'
import { page, problem, signedInProps, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

const DAY = /^\d{4}-\d{2}-\d{2}$/
const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day']
/** Default ranges, in days before tomorrow (UTC), that stay within the API's bounds per granularity. */
const DEFAULT_DAYS: Record<Granularity, number> = { minute: 1, hour: 7, day: 31 }

const dayOf = (d: Date) => d.toISOString().slice(0, 10)

function usageQueryOf(c: ConsoleContext, now: Date, rawMetrics: string[]): UsageQuery {
  const g = c.req.query('granularity')
  const granularity = GRANULARITIES.find((x) => x === g) ?? 'day'
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
  const day = (name: string, fallback: Date) => {
    const v = c.req.query(name)?.trim() ?? ''
    return DAY.test(v) ? v : dayOf(fallback)
  }
  const metric = c.req.query('raw_metric') ?? ''
  return {
    raw_metric: rawMetrics.includes(metric) ? metric : (rawMetrics[0] ?? ''),
    customer_id: c.req.query('customer_id')?.trim() ?? '',
    granularity,
    from: day('from', new Date(tomorrow.getTime() - DEFAULT_DAYS[granularity] * 86_400_000)),
    to: day('to', tomorrow),
    measure: c.req.query('measure')?.trim() || 'events',
  }
}

export function registerUsageRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const rawMetricNames = async (c: ConsoleContext): Promise<string[]> => {
    const raw = await kit.call<{ data: { name: string }[] }>(c, 'GET', '/v1/raw-metrics')
    return raw.ok ? raw.body.data.map((r) => r.name) : []
  }

  app.get('/usage', async (c) => {
    const rawMetrics = await rawMetricNames(c)
    const query = usageQueryOf(c, kit.now(), rawMetrics)
    const props = { ...signedInProps(c), query, rawMetrics }
    if (query.raw_metric === '')
      return page(c, <UsageChartPage {...props} measures={[]} error={{ message: 'No raw metric yet: send events first.', code: 'no_raw_metric' }} />)
    const q = new URLSearchParams({ raw_metric: query.raw_metric, granularity: query.granularity, from: query.from, to: query.to })
    if (query.customer_id !== '') q.set('customer_id', query.customer_id)
    const usage = await kit.call<{ buckets: UsageBucket[] }>(c, 'GET', `/v1/usage?${q}`)
    if (!usage.ok) return page(c, <UsageChartPage {...props} measures={[]} error={problem(usage.error)} />, 400)
    const measures = [...new Set(usage.body.buckets.flatMap((b) => Object.keys(b.fields)))].sort()
    const series = usageSeries({
      buckets: usage.body.buckets,
      from: new Date(`${query.from}T00:00:00Z`),
      to: new Date(`${query.to}T00:00:00Z`),
      granularity: query.granularity,
      measure: query.measure,
    })
    const byCustomer = query.customer_id === '' ? customerTotals(usage.body.buckets, query.measure) : undefined
    return page(c, <UsageChartPage {...props} measures={measures} series={series} byCustomer={byCustomer} />)
  })

  app.get('/usage/live', async (c) => {
    const rawMetrics = await rawMetricNames(c)
    const wanted = c.req.query('raw_metric') ?? ''
    return page(c, <LiveTailPage {...signedInProps(c)} rawMetrics={rawMetrics} rawMetric={rawMetrics.includes(wanted) ? wanted : ''} />)
  })

  app.get('/usage/unmatched', async (c) => {
    const got = await kit.call<{ customers: Unmatched }>(c, 'GET', '/v1/usage/unmatched')
    return page(c, <UnmatchedPage {...signedInProps(c)} customers={got.ok ? got.body.customers : []} error={got.ok ? undefined : problem(got.error)} />)
  })

  app.get('/usage/dead-letters', async (c) => {
    const wanted = c.req.query('error_code') ?? ''
    const code = DEAD_LETTER_CODES.find((x) => x === wanted) ?? ''
    const q = new URLSearchParams({ limit: String(DEAD_LETTER_PAGE), ...(code === '' ? {} : { error_code: code }) })
    const got = await kit.call<{ dead_letters: DeadLetters }>(c, 'GET', `/v1/dead-letters?${q}`)
    return page(
      c,
      <DeadLettersPage {...signedInProps(c)} code={code} letters={got.ok ? got.body.dead_letters : []} error={got.ok ? undefined : problem(got.error)} />,
    )
  })
}
