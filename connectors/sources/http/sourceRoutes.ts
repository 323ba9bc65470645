// The source endpoints: connect (tested first, password sealed), list, get, delete, test,
// discover; sync jobs (columns checked against the source), runs on demand and their history.
// Each route is declared once (apiRoute): its schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Cron } from 'croner'
import type { z } from 'zod'
import { UnprocessableError, ValidationError } from '../../../platform/errors.ts'
import { apiApp } from '../../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../../platform/http/appEnv.ts'
import { requestOrg } from '../../../platform/http/requestOrg.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { IngestCatalog } from '../../../ingest/catalog.ts'
import type { SourceConnection, SourceStore, SourceSyncSpec } from '../../../ledger/sourceStore.ts'
import type { SourceDriver } from '../sourceDriver.ts'
import { openSource, type SourceEnv } from '../sourceKinds.ts'
import { checkSpec } from '../sync/checkSpec.ts'
import { sourceFrom } from '../sync/runSync.ts'
import type { SourceSyncService } from '../sync/sourceSync.ts'
import { runToJson, sourceToJson, syncToJson, testToJson } from './sourceJson.ts'
import {
  createdSourceJson,
  createSourceRequest,
  createSyncRequest,
  discoverJson,
  runJson,
  runListJson,
  runSyncRequest,
  sourceJson,
  sourceListJson,
  sourceParams,
  syncJson,
  syncListJson,
  syncParams,
  testJson,
} from './sourceSchemas.ts'

export interface SourceRouteDeps {
  store: SourceStore
  syncs: SourceSyncService
  catalog: IngestCatalog
  openDriver(connection: SourceConnection): Promise<SourceDriver>
  /** What new connections are tested with (TALLY_SOURCE_FILES_ROOT). */
  env: SourceEnv
  /** The process's "now": a job's creation, from which its schedule first comes due. */
  clock: Clock
}

const TAG = 'Sources'
const notFound = { description: '`source_connection_not_found`, `source_sync_not_found`' }
const unreachable = {
  description:
    '`source_unreachable`, `source_auth_failed`, `source_database_not_found`, `source_query_failed` (the message says what to check); files: `source_path_invalid`, `source_path_outside_root`, `source_file_not_found`, `source_format_unknown`, `source_file_unreadable`',
}
const filesRootMissing = '`source_files_root_missing`: a files source while TALLY_SOURCE_FILES_ROOT is not set'
/** Runs listed per job by `GET …/runs`. */
const RUNS_PER_SYNC = 20

async function withDriver<T>(driver: SourceDriver, use: (d: SourceDriver) => Promise<T>): Promise<T> {
  try {
    return await use(driver)
  } finally {
    await driver.close()
  }
}

export function sourceRoutes(deps: SourceRouteDeps): OpenAPIHono<AppEnv> {
  const { store } = deps
  const app = apiApp()
  const onSource = async (orgId: string, id: string) => store.connections.get(orgId, id)

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/sources',
      tags: [TAG],
      summary:
        'Connect a database (postgres, mysql, clickhouse) or files (CSV, NDJSON, Parquet under TALLY_SOURCE_FILES_ROOT) to sync usage from. It is tested first (reachable, credentials, a READ ONLY transaction or readonly=1; files: the path readable and the format recognised); the password is stored encrypted and never returned.',
      request: {
        body: jsonContent(createSourceRequest, { kind: 'postgres', name: 'app-db', host: 'db.internal', database: 'app', user: 'tally_reader', password: '…' }),
      },
      responses: {
        201: jsonAnswer('The connection (no password) and its test', createdSourceJson),
        400: { description: '`invalid_request`' },
        409: { description: '`source_connection_exists`' },
        422: unreachable,
        503: { description: `\`secret_key_missing\`: TALLY_SECRET_KEY is not set, nothing is stored; ${filesRootMissing}` },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const body = c.req.valid('json')
      const { settings, credentials } = connectionOf(body)
      const test = await withDriver(openSource(body.kind, settings, credentials, deps.env), (d) => d.test())
      const connection = await store.connections.create({ orgId, kind: body.kind, name: body.name, settings, credentials, now: deps.clock.now() })
      return c.json({ ...sourceToJson(connection), test: testToJson(test) }, 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/sources',
      tags: [TAG],
      summary: "The organisation's source connections (never their passwords).",
      responses: { 200: jsonAnswer('The connections', sourceListJson) },
    }),
    async (c) => c.json({ data: (await store.connections.list(requestOrg(c))).map(sourceToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/sources/{id}',
      tags: [TAG],
      summary: 'One source connection.',
      request: { params: sourceParams },
      responses: { 200: jsonAnswer('The connection', sourceJson), 404: notFound },
    }),
    async (c) => c.json(sourceToJson(await onSource(requestOrg(c), c.req.valid('param').id)), 200),
  )

  app.openapi(
    apiRoute({
      method: 'delete',
      path: '/v1/sources/{id}',
      tags: [TAG],
      summary: 'Delete the connection with its sync jobs and their runs; the events they wrote stay.',
      request: { params: sourceParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
    }),
    async (c) => {
      await store.connections.remove(requestOrg(c), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/sources/{id}/test',
      tags: [TAG],
      summary: 'Check the source is reachable, the credentials work and a READ ONLY transaction reads.',
      request: { params: sourceParams },
      responses: { 200: jsonAnswer('The test', testJson), 404: notFound, 422: unreachable },
    }),
    async (c) => {
      const connection = await onSource(requestOrg(c), c.req.valid('param').id)
      return c.json(testToJson(await withDriver(await deps.openDriver(connection), (d) => d.test())), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/sources/{id}/discover',
      tags: [TAG],
      summary: 'Schemas, tables and columns with their types, and which columns can be a cursor.',
      request: { params: sourceParams },
      responses: { 200: jsonAnswer('The tables', discoverJson), 404: notFound, 422: unreachable },
    }),
    async (c) => {
      const connection = await onSource(requestOrg(c), c.req.valid('param').id)
      const tables = await withDriver(await deps.openDriver(connection), (d) => d.discover())
      return c.json(
        { tables: tables.map((t) => ({ ...t, columns: t.columns.map((col) => ({ name: col.name, type: col.type, cursor: col.cursorType })) })) },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/sources/{id}/syncs',
      tags: [TAG],
      summary:
        "Create a sync job: a table or query → a raw metric's events, by a column mapping, incremental by a cursor column. The mapping is checked against the source's columns.",
      request: {
        params: sourceParams,
        body: jsonContent(createSyncRequest, {
          name: 'api-calls',
          raw_metric: 'api_calls',
          table: 'public.api_calls',
          mapping: { customer_id: 'account_id', timestamp: 'called_at', key_columns: ['id'], data: { tokens: { column: 'tokens', type: 'number' } } },
          cursor: { column: 'updated_at', lateness: '300' },
          schedule: '*/5 * * * *',
        }),
      },
      responses: {
        201: jsonAnswer('The job', syncJson),
        400: { description: '`invalid_request`, `invalid_schedule`' },
        404: notFound,
        409: { description: '`source_sync_exists`' },
        422: { description: '`mapping_column_missing` (a detail per field), `cursor_column_type`, `raw_metric_not_found`, and the source errors' },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const connection = await onSource(orgId, c.req.valid('param').id)
      const b = c.req.valid('json')
      if (b.schedule !== undefined) assertCron(b.schedule)
      if ((await deps.catalog.rawMetric(orgId, b.raw_metric)) === null) {
        throw new UnprocessableError(
          'raw_metric_not_found',
          `raw metric "${b.raw_metric}" does not exist; create it with \`tally raw-metrics create ${b.raw_metric}\``,
          [{ field: 'raw_metric', code: 'raw_metric_not_found', message: 'no such raw metric' }],
        )
      }
      const spec = specOf(b)
      const cursorType = await withDriver(await deps.openDriver(connection), async (d) => checkSpec(spec, await d.columns(sourceFrom(spec))))
      if (spec.cursor !== undefined) spec.cursor.type = cursorType!
      const sync = await store.syncs.create({
        orgId,
        connectionId: connection.id,
        name: b.name,
        rawMetric: b.raw_metric,
        spec,
        schedule: b.schedule ?? null,
        createdAt: deps.clock.now(),
      })
      return c.json(syncToJson(sync), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/sources/{id}/syncs',
      tags: [TAG],
      summary: "The connection's sync jobs with their checkpoints.",
      request: { params: sourceParams },
      responses: { 200: jsonAnswer('The jobs', syncListJson), 404: notFound },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const connection = await onSource(orgId, c.req.valid('param').id)
      return c.json({ data: (await store.syncs.list(orgId, connection.id)).map(syncToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/sources/{id}/syncs/{sync}/run',
      tags: [TAG],
      summary:
        'Run the job now (or with `full`, from the beginning) and answer the run: rows read, accepted, duplicates, rejects by row key; a failed run carries its code.',
      request: { params: syncParams, body: jsonContent(runSyncRequest) },
      responses: { 200: jsonAnswer('The run', runJson), 404: notFound, 409: { description: '`source_sync_running`' } },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { id, sync } = c.req.valid('param')
      await onSource(orgId, id)
      return c.json(runToJson(await deps.syncs.run(orgId, sync, { full: c.req.valid('json').full })), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/sources/{id}/runs',
      tags: [TAG],
      summary: `The latest runs of the connection's jobs (${RUNS_PER_SYNC} per job), newest first, with progress: rows read, rows/s, lag, rejects.`,
      request: { params: sourceParams },
      responses: { 200: jsonAnswer('The runs', runListJson), 404: notFound },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const connection = await onSource(orgId, c.req.valid('param').id)
      const runs = (await Promise.all((await store.syncs.list(orgId, connection.id)).map((s) => store.syncs.runs(orgId, s.id, RUNS_PER_SYNC)))).flat()
      runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      return c.json({ data: runs.map(runToJson) }, 200)
    },
  )

  return app
}

/** A request's settings (stored in the clear) and credentials (sealed; local files have none, S3 the secret key). */
function connectionOf(body: z.infer<typeof createSourceRequest>): { settings: Record<string, string>; credentials: Record<string, string> } {
  if (body.kind === 'files') {
    const s3 =
      body.endpoint === undefined && body.access_key_id === undefined && body.secret_access_key === undefined
        ? null
        : { endpoint: (body.endpoint ?? '').replace(/\/$/, ''), region: body.region ?? 'us-east-1', access_key_id: body.access_key_id ?? '' }
    const settings = { path: body.path, ...(body.format === undefined ? {} : { format: body.format }), ...(s3 ?? {}) }
    return { settings, credentials: s3 === null ? {} : { secret_access_key: body.secret_access_key ?? '' } }
  }
  if (body.kind === 'clickhouse') {
    return { settings: { url: body.url.replace(/\/$/, ''), database: body.database, user: body.user }, credentials: { password: body.password } }
  }
  return {
    settings: { host: body.host, database: body.database, user: body.user, ...(body.port === undefined ? {} : { port: String(body.port) }) },
    credentials: { password: body.password },
  }
}

function assertCron(schedule: string): void {
  try {
    new Cron(schedule, { timezone: 'UTC', paused: true })
  } catch (err) {
    throw new ValidationError(
      'invalid_schedule',
      `schedule ${JSON.stringify(schedule)} is not a cron expression (${(err as Error).message}); e.g. "*/5 * * * *"`,
      [{ field: 'schedule', code: 'invalid_schedule', message: 'not a cron expression' }],
    )
  }
}

function specOf(b: {
  table?: string | undefined
  query?: string | undefined
  mapping: {
    customer_id: string
    timestamp: string
    event_id?: string | undefined
    key_columns?: string[] | undefined
    data: SourceSyncSpec['mapping']['data']
  }
  cursor?: { column: string; lateness: string } | undefined
}): SourceSyncSpec {
  return {
    ...(b.table !== undefined ? { table: b.table } : { query: b.query! }),
    mapping: {
      customerId: b.mapping.customer_id,
      timestamp: b.mapping.timestamp,
      ...(b.mapping.event_id === undefined ? {} : { eventId: b.mapping.event_id }),
      ...(b.mapping.key_columns === undefined ? {} : { keyColumns: b.mapping.key_columns }),
      data: b.mapping.data,
    },
    ...(b.cursor === undefined ? {} : { cursor: { column: b.cursor.column, type: 'time', lateness: b.cursor.lateness } }),
  }
}
