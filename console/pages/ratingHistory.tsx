// The rating run history (GET /v1/rating/runs): every past run of the organisation, whoever
// started it (the console, the API, `tally rate`, the scheduler), newest first, a page at a time
// (the API's cursor), each linking to its detail page, which offers to run its request again. A run whose process was killed stays `running` until the next run marks it
// `abandoned`, so the page says so rather than suggesting it is still going.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { ratingRunJson } from '../../rating/http/ratingRunSchemas.ts'
import type { Assets } from '../assets.ts'
import { CursorPager, type PagerPosition } from './cursorPager.tsx'
import { Columns, Layout } from './layout.tsx'

export type RatingRun = z.infer<typeof ratingRunJson>

const when = (iso: string | null) => (iso === null ? '—' : `${iso.slice(0, 19).replace('T', ' ')} UTC`)
const statusClass = (s: RatingRun['status']) => `status status-${s === 'succeeded' ? 'paid' : s === 'failed' || s === 'abandoned' ? 'void' : 'draft'}`
const requestOf = (r: RatingRun) =>
  [r.period && `period ${r.period}`, r.contract_id && `contract ${r.contract_id.slice(0, 8)}`].filter(Boolean).join(', ') || 'everything due'

export const RatingHistory: FC<{ runs: RatingRun[]; pages: { at: PagerPosition; next: string | null } }> = ({ runs, pages }) => (
  <section aria-labelledby="history" id="run-history">
    <h2 id="history">History</h2>
    {runs.length === 0 && pages.at.cursor === '' ? (
      <p>No run yet.</p>
    ) : (
      <table>
        <caption class="visually-hidden">Rating runs, newest first</caption>
        <Columns names={['Started', 'Trigger', 'By', 'Request', 'Status', 'Rated', 'Drafted', 'Finalized']} numeric={['Rated', 'Drafted', 'Finalized']} />
        <tbody>
          {runs.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/console/rating/runs/${encodeURIComponent(r.id)}`}>{when(r.started_at)}</a>
              </th>
              <td>{r.trigger}</td>
              <td>{r.actor}</td>
              <td>{requestOf(r)}</td>
              <td>
                <span class={statusClass(r.status)}>{r.status}</span>
                {r.error === null ? null : (
                  <span class="help">
                    <code>{r.error.code}</code>
                  </span>
                )}
              </td>
              <td class="num">{r.counters?.contracts_rated ?? ''}</td>
              <td class="num">{r.counters?.invoices_drafted ?? ''}</td>
              <td class="num">{r.counters?.invoices_finalized ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <CursorPager path="/console/rating" keep={{}} at={pages.at} next={pages.next} />
  </section>
)

/** The rating form filled with a run's request (its period and contract), to run it again. */
const againHref = (r: RatingRun) => {
  const q = new URLSearchParams({ ...(r.period === null ? {} : { period: r.period }), ...(r.contract_id === null ? {} : { contract_id: r.contract_id }) })
  return `/console/rating${q.size === 0 ? '' : `?${q}`}#rating-period`
}

export const RatingRunPage: FC<{ assets: Assets; csrf: string; run: RatingRun }> = ({ assets, csrf, run: r }) => (
  <Layout title="Rating run" assets={assets} csrf={csrf} section="rating">
    <h1>Rating run of {when(r.started_at)}</h1>
    <dl class="facts" id="run-detail">
      <dt>Status</dt>
      <dd>
        <span class={statusClass(r.status)}>{r.status}</span>
        {r.status === 'running' ? ' (or its process was killed: the next run will mark it abandoned)' : ''}
      </dd>
      <dt>Trigger</dt>
      <dd>
        {r.trigger}, by <code>{r.actor}</code>
      </dd>
      <dt>Request</dt>
      <dd>
        {requestOf(r)}, as of {when(r.as_of)}
      </dd>
      <dt>Finished</dt>
      <dd>{when(r.finished_at)}</dd>
      {r.counters === null ? null : (
        <>
          <dt>Contracts rated</dt>
          <dd>{r.counters.contracts_rated}</dd>
          <dt>Invoices</dt>
          <dd>
            {r.counters.invoices_drafted} drafted, {r.counters.invoices_finalized} finalized, {r.counters.held_for_review} held for review
          </dd>
          <dt>Skipped</dt>
          <dd>{r.counters.skipped}</dd>
          <dt>Unbilled late usage</dt>
          <dd>{r.counters.unbilled_usage}</dd>
        </>
      )}
      {r.error === null ? null : (
        <>
          <dt>Error</dt>
          <dd>
            <code>{r.error.code}</code> {r.error.message}
          </dd>
        </>
      )}
    </dl>
    <p>
      <a href={againHref(r)}>Run {requestOf(r)} again</a> · <a href="/console/rating">All runs</a>
    </p>
  </Layout>
)
