// The visual builder: aggregation, field, filters and group by become a builder metric; "Show
// SQL and preview" asks the API for the SQL it generates and the quantities of a period, "Create
// metric" saves it (the metric's page then shows the SQL, ready to fork into an SQL version).
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { previewResponse } from '../../sql/http/metricSchemas.ts'
import type { Assets } from '../assets.ts'
import { AGGREGATIONS, FILTER_OPERATORS, ROUNDING_MODES, TIME_UNITS, type BuilderForm } from '../metricBuilderForm.ts'
import type { Problem } from '../routeKit.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type MetricPreview = z.infer<typeof previewResponse>

/** `blank`: the text of the '' option (the API's default). */
const Select: FC<{ id: string; name: string; label: string; options: readonly string[]; value: string; blank?: string }> = (p) => (
  <p>
    <label for={p.id}>{p.label}</label>
    <select id={p.id} name={p.name}>
      {p.options.map((o) => (
        <option value={o} selected={o === p.value}>
          {o === '' ? p.blank : o}
        </option>
      ))}
    </select>
  </p>
)

const Text: FC<{ id: string; name: string; label: string; value: string; help?: string }> = (p) => (
  <p>
    <label for={p.id}>{p.label}</label>
    <input id={p.id} name={p.name} value={p.value} spellcheck={false} {...(p.help === undefined ? {} : { 'aria-describedby': `${p.id}-help` })} />
    {p.help === undefined ? null : (
      <span id={`${p.id}-help`} class="help">
        {p.help}
      </span>
    )}
  </p>
)

export const MetricBuilderPage: FC<{
  assets: Assets
  csrf: string
  form: BuilderForm
  rawMetrics: string[]
  sql?: string | undefined
  preview?: MetricPreview | undefined
  error?: Problem | undefined
}> = ({ form: f, ...p }) => (
  <Layout title="New billable metric (builder)" assets={p.assets} csrf={p.csrf} section="metrics">
    <p class="crumbs">
      <a href="/console/metrics">Billable metrics</a>
    </p>
    <h1>New billable metric with the builder</h1>
    <p>
      Choose what to count; the API writes the SQL. To write SQL yourself, use the <a href="/console/metrics/new">SQL editor</a>.
    </p>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <form method="post" action="/console/metrics/builder" class="fields">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <Text id="b-name" name="name" label="Name" value={f.name} />
      <Text id="b-unit" name="unit" label="Unit" value={f.unit} />
      <Select id="b-raw" name="raw_metric" label="Raw metric" options={p.rawMetrics} value={f.raw_metric} />
      <Select id="b-aggregation" name="aggregation" label="Aggregation" options={AGGREGATIONS} value={f.aggregation} />
      <Text id="b-field" name="usage_field" label="Usage field" value={f.usage_field} help="The data field aggregated; not needed for COUNT" />
      <Text id="b-group" name="group_by" label="Group by" value={f.group_by} help="Data fields, comma-separated: each becomes a dimension" />
      <Text
        id="b-customer"
        name="customer_column"
        label="Customer column"
        value={f.customer_column}
        help="A data field holding the customer id; empty: the event's customer_id"
      />
      <Text
        id="b-series"
        name="series_field"
        label="Series field (time-weighted sum)"
        value={f.series_field}
        help="The data field naming a reading's series, e.g. instance_id; empty: one per customer"
      />
      <Select id="b-time-unit" name="time_unit" label="Time-weighted sum counted per" options={TIME_UNITS} value={f.time_unit} blank="hour (default)" />
      <Select id="b-rounding" name="rounding_mode" label="Rounding" options={ROUNDING_MODES} value={f.rounding_mode} blank="none" />
      <Text id="b-decimals" name="rounding_decimals" label="Rounding decimals" value={f.rounding_decimals} help="0 to 9; only with a rounding" />
      <fieldset class="wide">
        <legend>Filters (events must match all)</legend>
        {f.filters.map((x, i) => (
          <div class="filters">
            <Text id={`b-f${i}-field`} name={`filter_${i}_field`} label={`Filter ${i + 1} field`} value={x.field} />
            <Select id={`b-f${i}-op`} name={`filter_${i}_op`} label={`Filter ${i + 1} operator`} options={FILTER_OPERATORS} value={x.op} />
            <Text id={`b-f${i}-value`} name={`filter_${i}_value`} label={`Filter ${i + 1} value`} value={x.value} help="in / not_in: comma-separated" />
          </div>
        ))}
      </fieldset>
      <p>
        <label for="b-start">Preview from (UTC)</label>
        <input id="b-start" name="period_start" type="date" value={f.period_start} />
      </p>
      <p>
        <label for="b-end">Preview to (UTC, exclusive)</label>
        <input id="b-end" name="period_end" type="date" value={f.period_end} />
      </p>
      <p class="actions wide">
        <button type="submit" name="intent" value="preview" class="secondary">
          Show SQL and preview
        </button>
        <button type="submit" name="intent" value="create">
          Create metric
        </button>
      </p>
    </form>
    {p.sql === undefined ? null : (
      <section aria-labelledby="b-sql">
        <h2 id="b-sql">The SQL it runs</h2>
        <pre class="json" id="builder-sql">
          {p.sql}
        </pre>
      </section>
    )}
    {p.preview === undefined ? null : (
      <section aria-labelledby="b-preview" id="builder-preview">
        <h2 id="b-preview">
          Quantities from {f.period_start} to {f.period_end}
        </h2>
        {p.preview.customers.length === 0 ? (
          <p>No customer has events in this period.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Quantity per customer</caption>
            <Columns names={['Customer', 'Quantity']} numeric={['Quantity']} />
            <tbody>
              {p.preview.customers.map((c) => (
                <tr data-customer={c.customer_id}>
                  <th scope="row">{c.customer_id}</th>
                  <td class="num">{c.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    )}
  </Layout>
)
