// HTTP endpoints of billable metrics, scoped to the request's organisation (DESIGN invariant 5).
import { Hono, type Context } from 'hono'
import type { z } from 'zod'
import { ValidationError, type ErrorDetail } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { readBodyText } from '../../platform/http/readBody.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { diffVersions } from '../diffVersions.ts'
import { metricLifecycleRoutes } from './metricLifecycleRoutes.ts'
import type { MetricService, PreviewResult } from '../metricService.ts'
import type { StoredVersion } from '../metricStore.ts'
import {
  createMetricRequest,
  diffQuery,
  formatRequest,
  listQuery,
  metricVersionRequest,
  previewDraftRequest,
  previewStoredRequest,
  versionQuery,
} from './metricSchemas.ts'

/** Templates are at most 64 KiB each; a definition has two plus a little JSON. */
export const MAX_METRIC_BODY_BYTES = 256 * 1024

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details: ErrorDetail[] = result.error.issues.map((i) => ({ field: i.path.map(String).join('.'), code: i.code, message: i.message }))
  throw new ValidationError('invalid_request', `The ${what} is invalid: ${details.map((d) => `${d.field || '(root)'}: ${d.message}`).join('; ')}`, details)
}

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await readBodyText(c, MAX_METRIC_BODY_BYTES)
  let value: unknown
  try {
    value = text.trim() === '' ? {} : JSON.parse(text)
  } catch (err) {
    throw new ValidationError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`)
  }
  return parse(schema, value, 'request body')
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
    created_at: v.createdAt,
  }
}

function previewToJson(r: PreviewResult & { version?: number }) {
  return {
    ...(r.version === undefined ? {} : { version: r.version }),
    customers: r.customers.map((c) => ({ customer_id: c.customerId, quantity: c.quantity, rows: c.rows })),
    columns: r.columns,
    truncated: r.truncated,
    stats: { queries: r.stats.queries, rows_read: r.stats.rowsRead, bytes_read: r.stats.bytesRead, elapsed_ms: Math.round(r.stats.elapsedMs * 10) / 10 },
  }
}

export function metricRoutes(service: MetricService): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const base = '/v1/billable-metrics'

  app.post(`${base}/validate`, async (c) => {
    const orgId = requestOrg(c)
    const input = await body(c, metricVersionRequest)
    const report = await service.validate(orgId, input)
    return c.json({
      valid: report.valid,
      issues: report.issues,
      generated: { customer_query: report.resolved.customerQuery, parameters: report.resolved.parameters, dimensions: report.resolved.dimensions },
      columns: report.columns,
    })
  })

  app.post(`${base}/format`, async (c) => {
    const orgId = requestOrg(c)
    const { sql, drop_comments: dropComments } = await body(c, formatRequest)
    return c.json({ sql: await service.format(orgId, sql, { dropComments }) })
  })

  app.post(`${base}/preview`, async (c) => {
    const orgId = requestOrg(c)
    const req = await body(c, previewDraftRequest)
    const result = await service.previewDraft(orgId, req.definition, {
      customerId: req.customer_id,
      period: { start: req.period_start, end: req.period_end },
      parameters: req.parameters,
      maxCustomers: req.max_customers,
    })
    return c.json(previewToJson(result))
  })

  app.post(base, async (c) => {
    const orgId = requestOrg(c)
    const { name, ...input } = await body(c, createMetricRequest)
    return c.json(versionToJson(await service.create(orgId, name, input)), 201)
  })

  app.get(base, async (c) => {
    const { include_archived: includeArchived } = parse(listQuery, c.req.query(), 'query string')
    const metrics = await service.store.list(requestOrg(c), { includeArchived: includeArchived === 'true' })
    return c.json({
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
    })
  })

  app.get(`${base}/:name`, async (c) => {
    const { version } = parse(versionQuery, c.req.query(), 'query string')
    return c.json(versionToJson(await service.store.get(requestOrg(c), c.req.param('name'), version)))
  })

  app.post(`${base}/:name/versions`, async (c) => {
    const orgId = requestOrg(c)
    const input = await body(c, metricVersionRequest)
    return c.json(versionToJson(await service.addVersion(orgId, c.req.param('name'), input)), 201)
  })

  app.get(`${base}/:name/versions`, async (c) => {
    const versions = await service.store.listVersions(requestOrg(c), c.req.param('name'))
    return c.json({ data: versions.map(versionToJson) })
  })

  app.get(`${base}/:name/diff`, async (c) => {
    const orgId = requestOrg(c)
    const name = c.req.param('name')
    const q = parse(diffQuery, c.req.query(), 'query string')
    const [from, to] = await Promise.all([service.store.get(orgId, name, q.from), service.store.get(orgId, name, q.to)])
    return c.json({ name, from: from.version, to: to.version, changes: diffVersions(from, to) })
  })

  app.post(`${base}/:name/preview`, async (c) => {
    const orgId = requestOrg(c)
    const req = await body(c, previewStoredRequest)
    const result = await service.previewStored(orgId, c.req.param('name'), req.version, {
      customerId: req.customer_id,
      period: { start: req.period_start, end: req.period_end },
      parameters: req.parameters,
      maxCustomers: req.max_customers,
    })
    return c.json(previewToJson(result))
  })

  app.route('/', metricLifecycleRoutes(service.store))
  return app
}
