// Rating: run a period now (all contracts or one), see what the run did, the runs in progress
// in this process (GET /v1/rating/runs/progress; refresh the page to follow them) and the history
// of past runs (ratingHistory.tsx).
import type { FC } from 'hono/jsx'
import type { RatingSummaryJson } from '../../rating/http/billingSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import type { PagerPosition } from './cursorPager.tsx'
import { ErrorNotice, Layout } from './layout.tsx'
import { RatingHistory, type RatingRun } from './ratingHistory.tsx'

/** One run in progress, as GET /v1/rating/runs/progress answers it. */
export interface RunProgress {
  done: number
  total: number
  invoices: number
  elapsed_seconds: number
  rate: number
  eta_seconds: number | null
}

export interface RatingForm {
  period: string
  contract_id: string
  as_of: string
}

const Summary: FC<{ summary: RatingSummaryJson }> = ({ summary: s }) => (
  <section aria-labelledby="summary" id="run-summary">
    <h2 id="summary">The run as of {s.as_of.slice(0, 19).replace('T', ' ')} UTC</h2>
    <dl class="facts">
      <dt>Contracts rated</dt>
      <dd>
        {s.contracts_rated} of {s.contracts}
      </dd>
      <dt>Invoices</dt>
      <dd>
        {s.invoices.created} created, {s.invoices.updated} updated, {s.invoices.unchanged} unchanged, {s.invoices.finalized} finalized,{' '}
        {s.invoices.already_final} already final, {s.invoices.held_for_review} held for review
      </dd>
      <dt>Totals</dt>
      <dd>
        {Object.keys(s.totals).length === 0
          ? 'nothing billed'
          : Object.entries(s.totals)
              .map(([currency, total]) => `${total} ${currency}`)
              .join(', ')}
      </dd>
      <dt>Metric runs</dt>
      <dd>{s.metric_runs}</dd>
    </dl>
    {s.skipped.length === 0 ? null : (
      <>
        <h3>Skipped</h3>
        <ul>
          {s.skipped.map((k) => (
            <li>
              <a href={`/console/contracts/${encodeURIComponent(k.contract_id)}`}>
                <code>{k.contract_id.slice(0, 8)}</code>
              </a>
              {k.billing_date === undefined ? '' : ` (${k.billing_date})`}: {k.reason}
            </li>
          ))}
        </ul>
      </>
    )}
    <p>
      <a href="/console/invoices?status=draft">Drafts to review</a>
    </p>
  </section>
)

export const RatingPage: FC<{
  assets: Assets
  csrf: string
  form: RatingForm
  progress: RunProgress[]
  /** A page of the runs, newest first, and where it is in the history. */
  history: RatingRun[]
  historyPages: { at: PagerPosition; next: string | null }
  summary?: RatingSummaryJson | undefined
  error?: Problem | undefined
}> = (p) => (
  <Layout title="Rating" assets={p.assets} csrf={p.csrf} section="rating">
    <h1>Rating</h1>
    <p>
      A run rates every due period of the chosen contracts as of an instant: drafts are re-rated, invoices past their grace are finalized. Running the same
      period again changes only what usage or prices changed.
    </p>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <form method="post" action="/console/rating" class="fields" aria-label="Run rating">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <p>
        <label for="rating-period">Period (YYYY-MM)</label>
        <input id="rating-period" name="period" value={p.form.period} pattern="\d{4}-\d{2}" aria-describedby="rating-period-help" />
        <span id="rating-period-help" class="help">
          Empty: every due period
        </span>
      </p>
      <p>
        <label for="rating-contract">Contract id</label>
        <input id="rating-contract" name="contract_id" value={p.form.contract_id} spellcheck={false} aria-describedby="rating-contract-help" />
        <span id="rating-contract-help" class="help">
          Empty: every contract
        </span>
      </p>
      <p>
        <label for="rating-as-of">As of (date or instant)</label>
        <input id="rating-as-of" name="as_of" value={p.form.as_of} aria-describedby="rating-as-of-help" />
        <span id="rating-as-of-help" class="help">
          Empty: now, by the server clock
        </span>
      </p>
      <p class="actions">
        <button type="submit">Run rating</button>
      </p>
    </form>
    {p.summary === undefined ? null : <Summary summary={p.summary} />}
    <section aria-labelledby="in-progress">
      <h2 id="in-progress">Runs in progress</h2>
      {p.progress.length === 0 ? (
        <p>None in this process.</p>
      ) : (
        <ul>
          {p.progress.map((r) => (
            <li>
              {r.done} of {r.total} contracts, {r.invoices} invoices written, {r.rate.toFixed(1)} contracts/s
              {r.eta_seconds === null ? '' : `, about ${Math.ceil(r.eta_seconds)} s left`}
            </li>
          ))}
        </ul>
      )}
    </section>
    <RatingHistory runs={p.history} pages={p.historyPages} />
  </Layout>
)
