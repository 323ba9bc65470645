// Sync status of the organisation's connections: each data source with its latest runs (rows
// read, accepted, duplicate, rejected, lag, the error of a failed run), each ERP connection with
// its outbox counts and last refusals. Read-only: connections are set up with the API or the CLI.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { statusJson } from '../../connectors/erp/http/erpSchemas.ts'
import type { runJson, sourceJson } from '../../connectors/sources/http/sourceSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type Source = z.infer<typeof sourceJson>
export type SourceRun = z.infer<typeof runJson>
export type ErpStatus = z.infer<typeof statusJson>

const when = (iso: string | null) => (iso === null ? '—' : `${iso.slice(0, 19).replace('T', ' ')} UTC`)

const Runs: FC<{ runs: SourceRun[] }> = ({ runs }) =>
  runs.length === 0 ? (
    <p>No run yet.</p>
  ) : (
    <table>
      <caption class="visually-hidden">Latest runs, newest first</caption>
      <Columns
        names={['Started', 'Status', 'Finished', 'Read', 'Accepted', 'Duplicate', 'Rejected', 'Lag']}
        numeric={['Read', 'Accepted', 'Duplicate', 'Rejected', 'Lag']}
      />
      <tbody>
        {runs.map((r) => (
          <tr>
            <th scope="row">{when(r.started_at)}</th>
            <td>
              <span class={`status status-${r.status === 'succeeded' ? 'paid' : r.status === 'failed' ? 'void' : 'draft'}`}>{r.status}</span>
              {r.error === null ? null : (
                <span class="help">
                  <code>{r.error.code}</code> {r.error.message}
                </span>
              )}
            </td>
            <td>{when(r.finished_at)}</td>
            <td class="num">{r.rows_read}</td>
            <td class="num">{r.rows_accepted}</td>
            <td class="num">{r.rows_duplicate}</td>
            <td class="num">{r.rows_rejected}</td>
            <td class="num">{r.lag_ms === null ? '' : `${(r.lag_ms / 1000).toFixed(0)} s`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )

export const ConnectionsPage: FC<{
  assets: Assets
  csrf: string
  sources: { source: Source; runs: SourceRun[] }[]
  erp: ErpStatus[]
  error?: Problem | undefined
}> = (p) => (
  <Layout title="Connections" assets={p.assets} csrf={p.csrf} section="connections">
    <h1>Connections</h1>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <section aria-labelledby="sources">
      <h2 id="sources">Data sources</h2>
      {p.sources.length === 0 ? (
        <p>
          No data sources. Add one with <code>tally sources add</code> or <code>POST /v1/sources</code>.
        </p>
      ) : (
        p.sources.map(({ source: s, runs }) => (
          <section aria-labelledby={`source-${s.id}`}>
            <h3 id={`source-${s.id}`}>
              {s.name} <span class="help">({s.kind})</span>
            </h3>
            <Runs runs={runs} />
          </section>
        ))
      )}
    </section>
    <section aria-labelledby="erp">
      <h2 id="erp">ERP connections</h2>
      {p.erp.length === 0 ? (
        <p>
          No ERP connections. Add one with <code>tally erp connect</code> or <code>POST /v1/erp/connections</code>.
        </p>
      ) : (
        p.erp.map((e) => (
          <section aria-labelledby={`erp-${e.connection.id}`}>
            <h3 id={`erp-${e.connection.id}`}>
              {e.connection.type} <span class="help">({e.connection.status})</span>
            </h3>
            <p>
              {e.counts.sent} sent, {e.counts.pending} pending, {e.counts.failed} failed
            </p>
            {e.last_errors.length === 0 ? null : (
              <ul>
                {e.last_errors.map((d) => (
                  <li>
                    {d.kind} <code>{d.tally_id.slice(0, 8)}</code>: {d.last_error ?? d.status} ({d.attempts} attempts)
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))
      )}
    </section>
  </Layout>
)
