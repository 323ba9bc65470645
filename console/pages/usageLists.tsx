// The usage pages that are lists: unmatched customers, dead letters, and the live tail (its rows
// are added by the client island client/liveTail.ts, which polls the events API).
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { deadLetterResponseSchema } from '../../metering/http/deadLettersSchemas.ts'
import type { unmatchedUsageResponseSchema } from '../../metering/http/meteringSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { Columns } from './layout.tsx'
import { UsageFrame } from './usage.tsx'

export type Unmatched = z.infer<typeof unmatchedUsageResponseSchema>['customers']
export type DeadLetters = z.infer<typeof deadLetterResponseSchema>['dead_letters']

export const DEAD_LETTER_CODES = ['invalid_json', 'invalid_event', 'message_too_large'] as const
export const DEAD_LETTER_PAGE = 100

const hour = (iso: string) => `${iso.slice(0, 13).replace('T', ' ')}:00`

export const UnmatchedPage: FC<{ assets: Assets; csrf: string; customers: Unmatched; error?: Problem | undefined }> = (p) => (
  <UsageFrame assets={p.assets} csrf={p.csrf} tab="unmatched" title="Unmatched customers" error={p.error}>
    <p>Events were accepted for these customer ids, but no customer has them: their usage is billed to nobody until you create the customer.</p>
    {p.customers.length === 0 ? (
      <p>None: every event names a customer.</p>
    ) : (
      <table>
        <caption class="visually-hidden">Unmatched customers</caption>
        <Columns names={['Customer id', 'Events', 'Raw metrics', 'First hour (UTC)', 'Last hour (UTC)']} numeric={['Events']} />
        <tbody>
          {p.customers.map((u) => (
            <tr>
              <th scope="row">
                <code>{u.customer_id}</code>
              </th>
              <td class="num">{u.events}</td>
              <td>{u.raw_metrics.join(', ')}</td>
              <td>{hour(u.first_hour)}</td>
              <td>{hour(u.last_hour)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </UsageFrame>
)

export const DeadLettersPage: FC<{ assets: Assets; csrf: string; code: string; letters: DeadLetters; error?: Problem | undefined }> = (p) => (
  <UsageFrame assets={p.assets} csrf={p.csrf} tab="dead-letters" title="Dead letters" error={p.error}>
    <p>Messages the metering workers could not store, newest first ({DEAD_LETTER_PAGE} at most), with the original payload.</p>
    <form method="get" action="/console/usage/dead-letters" class="filters" aria-label="Filter dead letters">
      <p>
        <label for="dead-code">Error code</label>
        <select id="dead-code" name="error_code">
          <option value="">Any</option>
          {DEAD_LETTER_CODES.map((c) => (
            <option value={c} selected={c === p.code}>
              {c}
            </option>
          ))}
        </select>
      </p>
      <p class="actions">
        <button type="submit">Filter</button>
      </p>
    </form>
    {p.letters.length === 0 ? (
      <p>No dead letters.</p>
    ) : (
      <table>
        <caption class="visually-hidden">Dead letters</caption>
        <Columns names={['Failed (UTC)', 'Error', 'Where', 'Payload']} />
        <tbody>
          {p.letters.map((d) => (
            <tr>
              <th scope="row">{d.failed_at.slice(0, 19).replace('T', ' ')}</th>
              <td>
                <code>{d.error.code}</code> {d.error.message}
              </td>
              <td>
                {d.topic}/{d.partition}@{d.offset}
              </td>
              <td>
                <pre class="payload">{d.payload.length > 400 ? `${d.payload.slice(0, 400)}…` : d.payload}</pre>
                {d.payload_encoding === 'base64' ? <span class="help">base64</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </UsageFrame>
)

export const LiveTailPage: FC<{ assets: Assets; csrf: string; rawMetrics: string[]; rawMetric: string }> = (p) => (
  <UsageFrame assets={p.assets} csrf={p.csrf} tab="live" title="Live events" scripts={['tail.js']}>
    <form method="get" action="/console/usage/live" class="filters" aria-label="Choose the events to follow">
      <p>
        <label for="tail-metric">Raw metric</label>
        <select id="tail-metric" name="raw_metric">
          <option value="">Any</option>
          {p.rawMetrics.map((m) => (
            <option value={m} selected={m === p.rawMetric}>
              {m}
            </option>
          ))}
        </select>
      </p>
      <p class="actions">
        <button type="submit">Follow</button>
      </p>
    </form>
    <p id="tail-status" class="help" role="status" aria-live="polite">
      Needs JavaScript: the page asks the events API for new events every few seconds.
    </p>
    <table id="tail" data-raw-metric={p.rawMetric}>
      <caption class="visually-hidden">Latest events, newest first</caption>
      <Columns names={['Time (UTC)', 'Raw metric', 'Customer', 'Data', 'Source']} />
      <tbody></tbody>
    </table>
  </UsageFrame>
)
