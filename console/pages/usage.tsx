// Usage: a raw metric's usage over time from the rollups (chart and table), and the pages
// beside it: the live tail of arriving events, unmatched customers and dead letters.
import type { Child, FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'
import { bucketLabel, UsageChart, type Granularity, type UsageSeries } from './usageChart.tsx'

export type UsageTab = 'chart' | 'live' | 'unmatched' | 'dead-letters'

const TABS: { tab: UsageTab; href: string; label: string }[] = [
  { tab: 'chart', href: '/console/usage', label: 'Usage over time' },
  { tab: 'live', href: '/console/usage/live', label: 'Live events' },
  { tab: 'unmatched', href: '/console/usage/unmatched', label: 'Unmatched customers' },
  { tab: 'dead-letters', href: '/console/usage/dead-letters', label: 'Dead letters' },
]

export const UsageFrame: FC<{
  assets: Assets
  csrf: string
  tab: UsageTab
  title: string
  error?: Problem | undefined
  scripts?: 'tail.js'[]
  children?: Child
}> = (p) => (
  <Layout title={p.title} assets={p.assets} csrf={p.csrf} section="usage" {...(p.scripts === undefined ? {} : { scripts: p.scripts })}>
    <h1>{p.title}</h1>
    <nav class="tabs" aria-label="Usage">
      <ul>
        {TABS.map((t) => (
          <li>
            <a href={t.href} aria-current={t.tab === p.tab ? 'page' : undefined}>
              {t.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    {p.children}
  </Layout>
)

export interface UsageQuery {
  raw_metric: string
  customer_id: string
  granularity: Granularity
  from: string
  to: string
  measure: string
}

export const UsageChartPage: FC<{
  assets: Assets
  csrf: string
  query: UsageQuery
  rawMetrics: string[]
  measures: string[]
  series?: UsageSeries | undefined
  /** Without a customer chosen: each customer's total. */
  byCustomer?: { customer_id: string; total: string }[] | undefined
  error?: Problem | undefined
}> = (p) => {
  const q = p.query
  const what = q.measure === 'events' ? 'Events' : `Sum of ${q.measure}`
  return (
    <UsageFrame assets={p.assets} csrf={p.csrf} tab="chart" title="Usage" error={p.error}>
      <form method="get" action="/console/usage" class="filters" aria-label="Choose the usage to chart">
        <p>
          <label for="usage-metric">Raw metric</label>
          <select id="usage-metric" name="raw_metric">
            {p.rawMetrics.map((m) => (
              <option value={m} selected={m === q.raw_metric}>
                {m}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="usage-customer">Customer id</label>
          <input id="usage-customer" name="customer_id" value={q.customer_id} spellcheck={false} aria-describedby="usage-customer-help" />
          <span id="usage-customer-help" class="help">
            Empty: every customer, added up
          </span>
        </p>
        <p>
          <label for="usage-granularity">Granularity</label>
          <select id="usage-granularity" name="granularity">
            {(['minute', 'hour', 'day'] as const).map((g) => (
              <option value={g} selected={g === q.granularity}>
                {g}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="usage-from">From (UTC)</label>
          <input id="usage-from" name="from" type="date" value={q.from} />
        </p>
        <p>
          <label for="usage-to">To (UTC, exclusive)</label>
          <input id="usage-to" name="to" type="date" value={q.to} />
        </p>
        <p>
          <label for="usage-measure">Measure</label>
          <select id="usage-measure" name="measure">
            {['events', ...p.measures].map((m) => (
              <option value={m} selected={m === q.measure}>
                {m === 'events' ? 'events' : `sum of ${m}`}
              </option>
            ))}
          </select>
        </p>
        <p class="actions">
          <button type="submit">Show</button>
        </p>
      </form>
      {p.series === undefined ? null : (
        <>
          <p class="figure">
            {what} of {q.customer_id === '' ? 'every customer' : q.customer_id} from {q.from} to {q.to}: <strong id="usage-total">{p.series.total}</strong>
          </p>
          <UsageChart series={p.series} granularity={q.granularity} title={`${what} of ${q.raw_metric} per ${q.granularity}`} />
          <details>
            <summary>The numbers, per {q.granularity}</summary>
            <table>
              <caption class="visually-hidden">
                {what} per {q.granularity}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Bucket (UTC)</th>
                  <th scope="col" class="num">
                    {what}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.series.points
                  .filter((pt) => pt.value !== '0')
                  .map((pt) => (
                    <tr>
                      <th scope="row">{bucketLabel(pt.start, q.granularity)}</th>
                      <td class="num">{pt.value}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </details>
          {p.byCustomer === undefined ? null : (
            <section aria-labelledby="by-customer">
              <h2 id="by-customer">By customer</h2>
              <table>
                <caption class="visually-hidden">{what} per customer, largest first</caption>
                <Columns names={['Customer', 'Total']} numeric={['Total']} />
                <tbody>
                  {p.byCustomer.map((row) => (
                    <tr>
                      <th scope="row">
                        <a href={`/console/usage?${new URLSearchParams({ ...q, customer_id: row.customer_id })}`}>{row.customer_id}</a>
                      </th>
                      <td class="num">{row.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </UsageFrame>
  )
}
