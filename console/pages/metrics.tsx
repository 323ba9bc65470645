// Billable metrics: the list, and the SQL editor page. The editor itself (CodeMirror, validate
// as you type, format, preview) is the client island client/metricEditor.ts; this page renders
// its form so a save is an ordinary POST with the session's CSRF token.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { diffResponse, metricListJson, metricVersionJson } from '../../sql/http/metricSchemas.ts'
import type { Assets } from '../assets.ts'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type MetricList = z.infer<typeof metricListJson>
export type MetricVersion = z.infer<typeof metricVersionJson>
export type MetricDiff = z.infer<typeof diffResponse>

export const MetricListPage: FC<{ assets: Assets; csrf: string; metrics: MetricList['data']; error?: { message: string; code: string } }> = (p) => (
  <Layout title="Billable metrics" assets={p.assets} csrf={p.csrf} section="metrics">
    <div class="heading">
      <h1>Billable metrics</h1>
      <div class="actions">
        <a class="button secondary" href="/console/metrics/builder">
          New with the builder
        </a>
        <a class="button" href="/console/metrics/new">
          New billable metric
        </a>
      </div>
    </div>
    {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} />}
    {p.metrics.length === 0 ? (
      <p>No billable metrics yet.</p>
    ) : (
      <table>
        <caption class="visually-hidden">Billable metrics</caption>
        <Columns names={['Name', 'Unit', 'Mode', 'Version', 'Updated']} />
        <tbody>
          {p.metrics.map((m) => (
            <tr>
              <th scope="row">
                <a href={`/console/metrics/${encodeURIComponent(m.name)}`}>{m.name}</a>
              </th>
              <td>{m.unit}</td>
              <td>{m.mode}</td>
              <td>{m.latest_version}</td>
              <td>
                <time datetime={m.updated_at}>{m.updated_at.slice(0, 16).replace('T', ' ')}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Layout>
)

export interface MetricDraft {
  name: string
  unit: string
  raw_metrics: string
  customer_query: string
  description: string
}

const NEW_QUERY = `SELECT count() AS quantity
FROM raw.api_calls
WHERE customer_id = {customer_id:String}`

export function draftOf(v: MetricVersion | undefined, rawMetrics: string[]): MetricDraft {
  if (v !== undefined)
    return { name: v.name, unit: v.unit, raw_metrics: v.raw_metrics.join(', '), customer_query: v.customer_query, description: v.description ?? '' }
  const first = rawMetrics[0] ?? 'api_calls'
  return { name: '', unit: '', raw_metrics: first, customer_query: NEW_QUERY.replace('api_calls', first), description: '' }
}

function monthBounds(now: Date): { start: string; end: string } {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth()
  const iso = (d: Date) => d.toISOString().slice(0, 10)
  return { start: iso(new Date(Date.UTC(y, m, 1))), end: iso(new Date(Date.UTC(y, m + 1, 1))) }
}

export const MetricEditorPage: FC<{
  assets: Assets
  csrf: string
  /** The stored metric being edited; absent for a new one. */
  stored?: MetricVersion
  /** Every stored version, oldest first. */
  versions?: MetricVersion[]
  draft: MetricDraft
  rawMetrics: string[]
  now: Date
  error?: { message: string; code: string; issues?: { line?: number; column?: number; message: string; code: string }[] }
}> = (p) => {
  const period = monthBounds(p.now)
  const title = p.stored === undefined ? 'New billable metric' : `Billable metric ${p.stored.name}`
  const action = p.stored === undefined ? '/console/metrics' : `/console/metrics/${encodeURIComponent(p.stored.name)}/versions`
  return (
    <Layout title={title} assets={p.assets} csrf={p.csrf} section="metrics" scripts={['editor.js']}>
      <p class="crumbs">
        <a href="/console/metrics">Billable metrics</a>
      </p>
      <h1>{title}</h1>
      {p.stored === undefined ? null : (
        <p class="meta">
          Version {p.stored.version}, {p.stored.mode === 'builder' ? 'built with the visual builder (saving here stores SQL mode)' : 'SQL mode'}, saved{' '}
          <time datetime={p.stored.created_at}>{p.stored.created_at.slice(0, 16).replace('T', ' ')}</time>
        </p>
      )}
      {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} issues={p.error.issues} />}
      <form id="metric-form" method="post" action={action} class="metric-form" data-raw-metrics={JSON.stringify(p.rawMetrics)}>
        <input type="hidden" name="_csrf" value={p.csrf} />
        <div class="fields">
          <p>
            <label for="metric-name">Name</label>
            {p.stored === undefined ? (
              <input id="metric-name" name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" value={p.draft.name} spellcheck={false} />
            ) : (
              <input id="metric-name" name="name" value={p.draft.name} readonly />
            )}
          </p>
          <p>
            <label for="metric-unit">Unit</label>
            <input id="metric-unit" name="unit" required value={p.draft.unit} placeholder="API call" />
          </p>
          <p>
            <label for="metric-raw">Raw metrics</label>
            <input
              id="metric-raw"
              name="raw_metrics"
              required
              value={p.draft.raw_metrics}
              aria-describedby="metric-raw-help"
              spellcheck={false}
              list="raw-metric-names"
            />
            <datalist id="raw-metric-names">
              {p.rawMetrics.map((r) => (
                <option value={r} />
              ))}
            </datalist>
            <span id="metric-raw-help" class="help">
              Comma-separated; the query reads each as <code>raw.&lt;name&gt;</code>.
            </span>
          </p>
          <p class="wide">
            <label for="metric-description">Description</label>
            <input id="metric-description" name="description" value={p.draft.description} />
          </p>
        </div>
        <div class="editor-block">
          <label id="sql-label" for="customer-query">
            Customer query (SQL)
          </label>
          <p id="sql-help" class="help">
            Returns <code>quantity</code> for <code>{'{customer_id:String}'}</code> in{' '}
            <code>
              [{'{period_start}'}, {'{period_end}'})
            </code>
            . Checked as you type by the API's validator.
          </p>
          <textarea id="customer-query" name="customer_query" rows={10} spellcheck={false} aria-describedby="sql-help">
            {p.draft.customer_query}
          </textarea>
          <div id="sql-editor" class="sql-editor"></div>
          <div id="validation" class="validation" role="status" aria-live="polite"></div>
        </div>
        <div class="actions">
          <button type="button" id="format-sql" class="secondary">
            Format SQL
          </button>
          <button type="submit">{p.stored === undefined ? 'Create metric' : 'Save new version'}</button>
        </div>
      </form>

      <section class="preview" aria-labelledby="preview-title">
        <h2 id="preview-title">Preview quantities</h2>
        <form id="preview-form" class="fields">
          <p>
            <label for="preview-customers">Customers</label>
            <input id="preview-customers" name="customers" aria-describedby="preview-customers-help" spellcheck={false} />
            <span id="preview-customers-help" class="help">
              Comma-separated customer ids; empty: every customer with events in the period.
            </span>
          </p>
          <p>
            <label for="preview-start">Period start (UTC)</label>
            <input id="preview-start" name="period_start" type="date" required value={period.start} />
          </p>
          <p>
            <label for="preview-end">Period end (UTC, exclusive)</label>
            <input id="preview-end" name="period_end" type="date" required value={period.end} />
          </p>
          <p class="actions">
            <button type="submit">Preview</button>
          </p>
        </form>
        <div id="preview-result" role="status" aria-live="polite"></div>
      </section>
      {p.versions === undefined || p.versions.length === 0 ? null : (
        <section class="versions" aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          <table>
            <caption class="visually-hidden">Versions, newest first</caption>
            <Columns names={['Version', 'Mode', 'Unit', 'Saved', 'Changes']} />
            <tbody>
              {[...p.versions].reverse().map((v) => (
                <tr>
                  <td>{v.version}</td>
                  <td>{v.mode}</td>
                  <td>{v.unit}</td>
                  <td>
                    <time datetime={v.created_at}>{v.created_at.slice(0, 16).replace('T', ' ')}</time>
                  </td>
                  <td>
                    {v.version === 1 ? (
                      ''
                    ) : (
                      <a href={`/console/metrics/${encodeURIComponent(v.name)}/diff?from=${v.version - 1}&to=${v.version}`}>
                        Changes from version {v.version - 1}
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  )
}

export const MetricDiffPage: FC<{ assets: Assets; csrf: string; diff: MetricDiff }> = (p) => {
  const name = p.diff.name
  return (
    <Layout title={`${name}: version ${p.diff.from} → ${p.diff.to}`} assets={p.assets} csrf={p.csrf} section="metrics">
      <p class="crumbs">
        <a href="/console/metrics">Billable metrics</a> › <a href={`/console/metrics/${encodeURIComponent(name)}`}>{name}</a>
      </p>
      <h1>
        {name}: version {p.diff.from} → {p.diff.to}
      </h1>
      {p.diff.changes.length === 0 ? <p>The two versions are the same.</p> : null}
      {p.diff.changes.map((c) => (
        <section aria-label={`Changes to ${c.field}`}>
          <h2>{c.field}</h2>
          {c.diff === undefined ? (
            <dl class="facts">
              <dt>Version {p.diff.from}</dt>
              <dd>
                <code>{JSON.stringify(c.from)}</code>
              </dd>
              <dt>Version {p.diff.to}</dt>
              <dd>
                <code>{JSON.stringify(c.to)}</code>
              </dd>
            </dl>
          ) : (
            <pre class="diff">
              {c.diff.map((line) => (
                <span class={line.startsWith('+ ') ? 'added' : line.startsWith('- ') ? 'removed' : 'same'}>
                  {line.startsWith('+ ') ? (
                    <span class="visually-hidden">added: </span>
                  ) : line.startsWith('- ') ? (
                    <span class="visually-hidden">removed: </span>
                  ) : null}
                  {line}
                </span>
              ))}
            </pre>
          )}
        </section>
      ))}
    </Layout>
  )
}
