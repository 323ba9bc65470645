// HTTP endpoints of billable metrics, scoped to the request's organisation (DESIGN invariant 5).
// Each route is declared once (apiRoute): the schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { METRIC_BODY_BYTES } from '../../platform/http/bodyLimits.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { diffVersions } from '../diffVersions.ts'
import { metricLifecycleRoutes } from './metricLifecycleRoutes.ts'
import type { MetricService, PreviewResult } from '../metricService.ts'
import type { StoredVersion } from '../metricStore.ts'
import {
  createMetricRequest,
  diffQuery,
  diffResponse,
  formatRequest,
  formatResponse,
  listQuery,
  METRICS_TAG,
  metricListJson,
  metricNameParams,
  metricVersionJson,
  metricVersionRequest,
  previewDraftRequest,
  previewResponse,
  previewStoredRequest,
  validateResponse,
  versionListJson,
  versionQuery,
} from './metricSchemas.ts'

const invalidTemplate = {
  description:
    'The template is refused (`invalid_template`; details and `issues` give each problem with its code, e.g. `table_not_allowed`, `system_table_forbidden`, `table_function_forbidden`, `settings_forbidden`, `multiple_statements`, `syntax_error`, `quantity_not_decimal`, and line/column where ClickHouse gives them)',
}
const runFailed = {
  description: 'A sandbox limit was hit (`sandbox_limit_exceeded`, `limit` names it) or ClickHouse refused the query (`query_failed`)',
}
const invalidBody = { description: 'Invalid body (`invalid_json`, `invalid_request`)' }
const exampleSql = {
  name: 'api_calls',
  unit: 'API call',
  mode: 'sql',
  raw_metrics: ['api_calls'],
  customer_query:
    'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}\n  AND timestamp >= {period_start:DateTime64(3)}\n  AND timestamp < {period_end:DateTime64(3)}',
}
const exampleBuilder = {
  name: 'storage_avg',
  unit: 'GB',
  mode: 'builder',
  builder: { raw_metric: 'storage', usage_field: 'gb', aggregation: 'AVG', filters: [{ field: 'tier', op: 'eq', value: 'hot' }] },
}

export function versionToJson(v: StoredVersion) {
  return {
    name: v.name,
    version: v.version,
    unit: v.unit,
    description: v.description,
    mode: v.mode,
    builder: v.builder,
    raw_metrics: v.rawMetrics,
    aggregate_query: v.aggregateQuery,
    customer_query: v.customerQuery,
    dimensions: v.dimensions,
    parameters: v.parameters,
    source_id: v.sourceId ?? null,
    grouped_query: v.groupedQuery ?? null,
    created_at: v.createdAt,
  }
}

function previewToJson(r: PreviewResult & { version?: number }) {
  return {
    ...(r.version === undefined ? {} : { version: r.version }),
    customers: r.customers.map((c) => ({ customer_id: c.customerId, quantity: c.quantity, rows: c.rows })),
    columns: r.columns,
    truncated: r.truncated,
    stats: {
      queries: r.stats.queries,
      rows_read: r.stats.rowsRead,
      bytes_read: r.stats.bytesRead,
      elapsed_ms: Math.round(r.stats.elapsedMs * 10) / 10,
      form: r.stats.form,
      ...(r.stats.notGrouped === undefined ? {} : { not_grouped: r.stats.notGrouped }),
    },
  }
}

const base = '/v1/billable-metrics'

export function metricRoutes(service: MetricService, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: `${base}/validate`,
      tags: [METRICS_TAG],
      summary: 'Validate a definition without storing it: every issue with its code and line/column; the SQL builder mode generates.',
      maxBodyBytes: METRIC_BODY_BYTES,
      request: { body: jsonContent(metricVersionRequest, exampleBuilder) },
      responses: { 200: jsonAnswer('The verdict (a refused template is still a 200 here)', validateResponse), 400: invalidBody },
    }),
    async (c) => {
      const report = await service.validate(requestOrg(c), c.req.valid('json'))
      return c.json(
        {
          valid: report.valid,
          issues: report.issues,
          generated: { customer_query: report.resolved.customerQuery, parameters: report.resolved.parameters, dimensions: report.resolved.dimensions },
          columns: report.columns,
        },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: `${base}/format`,
      tags: [METRICS_TAG],
      summary:
        "Format SQL with ClickHouse's own formatter (formatQuery), so the result means what the input means; {name:Type} parameters and raw.<metric> are kept whole, comments above and below the query are kept, a comment inside it is refused unless drop_comments is true.",
      maxBodyBytes: METRIC_BODY_BYTES,
      request: { body: jsonContent(formatRequest, { sql: 'select count() as quantity from raw.api_calls where customer_id={customer_id:String}' }) },
      responses: {
        200: jsonAnswer('Formatted SQL', formatResponse),
        400: invalidBody,
        422: {
          description:
            '`format_failed` (ClickHouse cannot parse it: line, column), `format_would_drop_comments` (line, column of the first comment inside the query)',
        },
      },
    }),
    async (c) => {
      const { sql, drop_comments: dropComments } = c.req.valid('json')
      return c.json({ sql: await service.format(requestOrg(c), sql, { dropComments }) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: `${base}/preview`,
      tags: [METRICS_TAG],
      summary: 'Run a definition that is not stored for one customer or all customers with events in the period: rows, quantity, rows read, elapsed time.',
      maxBodyBytes: METRIC_BODY_BYTES,
      request: { body: jsonContent(previewDraftRequest) },
      responses: {
        200: jsonAnswer('Quantities', previewResponse),
        400: { description: 'Invalid body or period' },
        422: { description: `${invalidTemplate.description}; ${runFailed.description}` },
      },
    }),
    async (c) => {
      const req = c.req.valid('json')
      const result = await service.previewDraft(requestOrg(c), req.definition, {
        customerId: req.customer_id,
        period: { start: req.period_start, end: req.period_end },
        parameters: req.parameters,
        maxCustomers: req.max_customers,
      })
      return c.json(previewToJson(result), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: base,
      tags: [METRICS_TAG],
      summary: 'Create a billable metric (version 1) in builder or SQL mode. Templates read raw.<metric> and, in the customer query, aggregates.',
      maxBodyBytes: METRIC_BODY_BYTES,
      request: { body: jsonContent(createMetricRequest, exampleSql) },
      responses: {
        201: jsonAnswer('Created', metricVersionJson),
        400: invalidBody,
        409: { description: 'The name is taken (`billable_metric_exists`)' },
        422: invalidTemplate,
      },
    }),
    async (c) => {
      const { name, ...input } = c.req.valid('json')
      return c.json(versionToJson(await service.create(requestOrg(c), name, input, clock.now())), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: base,
      tags: [METRICS_TAG],
      summary: 'List billable metrics with their latest version; archived ones only with include_archived=true.',
      request: { query: listQuery },
      responses: { 200: jsonAnswer('Metrics by name', metricListJson) },
    }),
    async (c) => {
      const { include_archived: includeArchived } = c.req.valid('query')
      const metrics = await service.store.list(requestOrg(c), { includeArchived: includeArchived === 'true' })
      return c.json(
        {
          data: metrics.map((m) => ({
            name: m.name,
            latest_version: m.latestVersion,
            unit: m.unit,
            description: m.description,
            mode: m.mode,
            created_at: m.createdAt,
            updated_at: m.updatedAt,
            archived_at: m.archivedAt,
          })),
        },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: `${base}/{name}`,
      tags: [METRICS_TAG],
      summary: 'Get a version of a metric (the latest by default).',
      request: { params: metricNameParams, query: versionQuery },
      responses: {
        200: jsonAnswer('The version', metricVersionJson),
        404: { description: '`billable_metric_not_found`, `billable_metric_version_not_found`' },
      },
    }),
    async (c) => {
      const { version } = c.req.valid('query')
      return c.json(versionToJson(await service.store.get(requestOrg(c), c.req.valid('param').name, version)), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: `${base}/{name}/versions`,
      tags: [METRICS_TAG],
      summary: 'Edit a metric: validates and stores the next version. Earlier versions stay readable.',
      maxBodyBytes: METRIC_BODY_BYTES,
      request: { params: metricNameParams, body: jsonContent(metricVersionRequest, exampleBuilder) },
      responses: {
        201: jsonAnswer('The new version', metricVersionJson),
        404: { description: '`billable_metric_not_found`' },
        409: { description: 'Edited concurrently (`billable_metric_version_conflict`); retry' },
        422: invalidTemplate,
      },
    }),
    async (c) => {
      const created = await service.addVersion(requestOrg(c), c.req.valid('param').name, c.req.valid('json'), clock.now())
      return c.json(versionToJson(created), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: `${base}/{name}/versions`,
      tags: [METRICS_TAG],
      summary: 'Every version of a metric, oldest first.',
      request: { params: metricNameParams },
      responses: { 200: jsonAnswer('Versions', versionListJson), 404: { description: '`billable_metric_not_found`' } },
    }),
    async (c) => {
      const versions = await service.store.listVersions(requestOrg(c), c.req.valid('param').name)
      return c.json({ data: versions.map(versionToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: `${base}/{name}/diff`,
      tags: [METRICS_TAG],
      summary: 'What changed between two versions: each differing field, with a line diff of the SQL.',
      request: { params: metricNameParams, query: diffQuery },
      responses: { 200: jsonAnswer('Changes', diffResponse), 404: { description: 'Unknown metric or version' } },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { name } = c.req.valid('param')
      const q = c.req.valid('query')
      const [from, to] = await Promise.all([service.store.get(orgId, name, q.from), service.store.get(orgId, name, q.to)])
      return c.json({ name, from: from.version, to: to.version, changes: diffVersions(from, to) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: `${base}/{name}/preview`,
      tags: [METRICS_TAG],
      summary: 'Run a stored version (the latest by default) for one customer or all customers with events in the period.',
      maxBodyBytes: METRIC_BODY_BYTES,
      request: {
        params: metricNameParams,
        body: jsonContent(previewStoredRequest, { customer_id: 'acme', period_start: '2024-03-01', period_end: '2024-04-01' }),
      },
      responses: { 200: jsonAnswer('Quantities', previewResponse), 404: { description: 'Unknown metric or version' }, 422: runFailed },
    }),
    async (c) => {
      const req = c.req.valid('json')
      const result = await service.previewStored(requestOrg(c), c.req.valid('param').name, req.version, {
        customerId: req.customer_id,
        period: { start: req.period_start, end: req.period_end },
        parameters: req.parameters,
        maxCustomers: req.max_customers,
      })
      return c.json(previewToJson(result), 200)
    },
  )

  app.route('/', metricLifecycleRoutes(service.store, clock))
  return app
}
