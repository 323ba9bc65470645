// The billable-metric endpoints as documented in /openapi.json, from the schemas the routes parse with.
import type { ApiOperation } from '../../platform/http/openapi.ts'
import {
  archiveResponse,
  createMetricRequest,
  diffQuery,
  diffResponse,
  formatRequest,
  formatResponse,
  listQuery,
  metricListJson,
  metricVersionJson,
  metricVersionRequest,
  previewDraftRequest,
  previewResponse,
  previewStoredRequest,
  validateResponse,
  versionListJson,
  versionQuery,
} from './metricSchemas.ts'

const tag = 'Billable metrics'
const invalidTemplate = {
  description:
    'The template is refused (`invalid_template`; details and `issues` give each problem with its code, e.g. `table_not_allowed`, `system_table_forbidden`, `table_function_forbidden`, `settings_forbidden`, `multiple_statements`, `syntax_error`, `quantity_not_decimal`, and line/column where ClickHouse gives them)',
}
const runFailed = {
  description: 'A sandbox limit was hit (`sandbox_limit_exceeded`, `limit` names it) or ClickHouse refused the query (`query_failed`)',
}
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

export const metricOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/billable-metrics',
    tag,
    summary: 'Create a billable metric (version 1) in builder or SQL mode. Templates read raw.<metric> and, in the customer query, aggregates.',
    body: [{ contentType: 'application/json', schema: createMetricRequest, example: exampleSql }],
    responses: {
      201: { description: 'Created', schema: metricVersionJson },
      400: { description: 'Invalid body (`invalid_json`, `invalid_request`)' },
      409: { description: 'The name is taken (`billable_metric_exists`)' },
      422: invalidTemplate,
    },
  },
  {
    method: 'get',
    path: '/v1/billable-metrics',
    tag,
    summary: 'List billable metrics with their latest version; archived ones only with include_archived=true.',
    query: listQuery,
    responses: { 200: { description: 'Metrics by name', schema: metricListJson } },
  },
  {
    method: 'get',
    path: '/v1/billable-metrics/{name}',
    tag,
    summary: 'Get a version of a metric (the latest by default).',
    pathParams: { name: 'Metric name' },
    query: versionQuery,
    responses: { 200: { description: 'The version', schema: metricVersionJson }, 404: { description: '`billable_metric_not_found`, `billable_metric_version_not_found`' } },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/{name}/versions',
    tag,
    summary: 'Edit a metric: validates and stores the next version. Earlier versions stay readable.',
    pathParams: { name: 'Metric name' },
    body: [{ contentType: 'application/json', schema: metricVersionRequest, example: exampleBuilder }],
    responses: { 201: { description: 'The new version', schema: metricVersionJson }, 404: { description: '`billable_metric_not_found`' }, 409: { description: 'Edited concurrently (`billable_metric_version_conflict`); retry' }, 422: invalidTemplate },
  },
  {
    method: 'get',
    path: '/v1/billable-metrics/{name}/versions',
    tag,
    summary: 'Every version of a metric, oldest first.',
    pathParams: { name: 'Metric name' },
    responses: { 200: { description: 'Versions', schema: versionListJson }, 404: { description: '`billable_metric_not_found`' } },
  },
  {
    method: 'get',
    path: '/v1/billable-metrics/{name}/diff',
    tag,
    summary: 'What changed between two versions: each differing field, with a line diff of the SQL.',
    pathParams: { name: 'Metric name' },
    query: diffQuery,
    responses: { 200: { description: 'Changes', schema: diffResponse }, 404: { description: 'Unknown metric or version' } },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/validate',
    tag,
    summary: 'Validate a definition without storing it: every issue with its code and line/column; the SQL builder mode generates.',
    body: [{ contentType: 'application/json', schema: metricVersionRequest, example: exampleBuilder }],
    responses: { 200: { description: 'The verdict (a refused template is still a 200 here)', schema: validateResponse }, 400: { description: 'Invalid body' } },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/format',
    tag,
    summary:
      "Format SQL with ClickHouse's own formatter (formatQuery), so the result means what the input means; {name:Type} parameters and raw.<metric> are kept whole, comments above and below the query are kept, a comment inside it is refused unless drop_comments is true.",
    body: [{ contentType: 'application/json', schema: formatRequest, example: { sql: 'select count() as quantity from raw.api_calls where customer_id={customer_id:String}' } }],
    responses: {
      200: { description: 'Formatted SQL', schema: formatResponse },
      400: { description: 'Invalid body' },
      422: { description: '`format_failed` (ClickHouse cannot parse it: line, column), `format_would_drop_comments` (line, column of the first comment inside the query)' },
    },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/preview',
    tag,
    summary: 'Run a definition that is not stored for one customer or all customers with events in the period: rows, quantity, rows read, elapsed time.',
    body: [{ contentType: 'application/json', schema: previewDraftRequest }],
    responses: { 200: { description: 'Quantities', schema: previewResponse }, 400: { description: 'Invalid body or period' }, 422: { description: `${invalidTemplate.description}; ${runFailed.description}` } },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/{name}/preview',
    tag,
    summary: 'Run a stored version (the latest by default) for one customer or all customers with events in the period.',
    pathParams: { name: 'Metric name' },
    body: [{ contentType: 'application/json', schema: previewStoredRequest, example: { customer_id: 'acme', period_start: '2024-03-01', period_end: '2024-04-01' } }],
    responses: { 200: { description: 'Quantities', schema: previewResponse }, 404: { description: 'Unknown metric or version' }, 422: runFailed },
  },
  {
    method: 'post',
    path: '/v1/billable-metrics/{name}/archive',
    tag,
    summary: 'Archive a metric: hidden from GET /v1/billable-metrics (unless include_archived=true), refused for new plans and contracts (422 `billable_metric_archived`), every version still readable. Idempotent.',
    pathParams: { name: 'Metric name' },
    responses: { 200: { description: 'When it was archived (the first time)', schema: archiveResponse }, 404: { description: '`billable_metric_not_found`' } },
  },
  {
    method: 'delete',
    path: '/v1/billable-metrics/{name}',
    tag,
    summary: 'Delete a metric and all its versions, only while no product is bound to it; otherwise archive it.',
    pathParams: { name: 'Metric name' },
    responses: { 204: { description: 'Deleted' }, 404: { description: '`billable_metric_not_found`' }, 409: { description: '`billable_metric_in_use` (`products` names them)' } },
  },
]
