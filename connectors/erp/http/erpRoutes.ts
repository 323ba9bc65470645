// The ERP endpoints: connect (credentials sealed, account map checked complete), list, status
// per connection and document, sync now, retry what failed. Each route is declared once
// (apiRoute): its schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Clock } from '../../../platform/clock.ts'
import { UnprocessableError, ValidationError } from '../../../platform/errors.ts'
import { apiApp } from '../../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../../platform/http/appEnv.ts'
import { requestOrg } from '../../../platform/http/requestOrg.ts'
import { ERP_TYPES, type ErpStore, type ErpType } from '../../../ledger/erpStore.ts'
import type { AdapterFactory, AdapterRegistry } from '../adapters.ts'
import type { ErpSync } from '../drain/erpSync.ts'
import { connectionToJson, outboxRowToJson } from './erpJson.ts'
import {
  accountMapRequest,
  connectionJson,
  connectionListJson,
  connectionParams,
  createConnectionRequest,
  retryJson,
  statusJson,
  syncJson,
} from './erpSchemas.ts'

export interface ErpRouteDeps {
  erp: ErpStore
  adapters: AdapterRegistry
  sync: ErpSync
  /** The process's "now": a connection's `created_at` (and of a chart its check seeds). */
  clock: Clock
}

const TAG = 'ERP'
const bad = {
  description: '`invalid_json`, `invalid_request`, `unknown_erp_type`, `invalid_credentials`, `invalid_settings` (details name each field, never its value)',
}
const notFound = { description: '`erp_connection_not_found`' }
/** How long `POST …/sync` waits for retries falling due (429 Retry-After, backoff) before it answers. */
const SYNC_WAIT_MS = 30_000

function adapterFor(adapters: AdapterRegistry, type: string): [ErpType, AdapterFactory] {
  if (!(ERP_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('unknown_erp_type', `unknown ERP type ${JSON.stringify(type)}; one of ${ERP_TYPES.join(', ')}`, [
      { field: 'type', code: 'unknown_erp_type', message: `one of ${ERP_TYPES.join(', ')}` },
    ])
  }
  const factory = adapters[type as ErpType]
  if (factory === undefined) {
    throw new UnprocessableError('erp_type_unavailable', `Tally has no ${type} adapter yet`, [
      { field: 'type', code: 'erp_type_unavailable', message: 'no adapter yet' },
    ])
  }
  return [type as ErpType, factory]
}

/** Parses credentials or settings with the adapter's schema; details name paths and problems, never the values. */
function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  value: unknown,
  field: string,
): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = result.error.issues.map((i) => ({ field: [field, ...i.path.map(String)].join('.'), code: `invalid_${field}`, message: i.message }))
  throw new ValidationError(`invalid_${field}`, `the ${field} do not fit the connection type: ${details.map((d) => d.field).join(', ')}`, details)
}

export function erpRoutes(deps: ErpRouteDeps): OpenAPIHono<AppEnv> {
  const { erp } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/erp/connections',
      tags: [TAG],
      summary:
        'Connect an ERP tenant. Credentials are stored encrypted and never returned; the account map must cover the chart, so nothing is queued that cannot be sent.',
      request: {
        body: jsonContent(createConnectionRequest, {
          type: 'xero',
          tenant_id: '9f1c…',
          credentials: { client_id: '…', client_secret: '…', access_token: '…', refresh_token: '…', expires_at: '2026-05-01T10:30:00Z' },
          settings: { base_currency: 'USD' },
          account_map: { '1000': '090', '2100': '835', '4000': '200', '4100': '260' },
        }),
      },
      responses: {
        201: jsonAnswer('The connection (no credentials)', connectionJson),
        400: bad,
        422: {
          description:
            '`erp_mapping_incomplete` (details: `account_map.<code>` per unmapped account and, for QuickBooks and NetSuite, `account_map.item.<code>` per revenue or contra-revenue account without an item, with the products posting to it), `erp_type_unavailable`',
        },
        503: { description: '`secret_key_missing`: TALLY_SECRET_KEY is not set, nothing is stored' },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const b = c.req.valid('json')
      const [type, factory] = adapterFor(deps.adapters, b.type)
      const credentials = parsed(factory.credentials, b.credentials, 'credentials')
      const settings = parsed(factory.settings, b.settings ?? {}, 'settings')
      const connection = await erp.connections.create({
        orgId,
        type,
        tenantId: b.tenant_id,
        baseUrl: b.base_url ?? factory.defaultBaseUrl,
        credentials,
        settings,
        accountMap: b.account_map,
        needsItems: factory.needsItems,
        now: deps.clock.now(),
      })
      return c.json(connectionToJson(connection), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/erp/connections',
      tags: [TAG],
      summary: "The organisation's ERP connections (never their credentials).",
      responses: { 200: jsonAnswer('The connections', connectionListJson) },
    }),
    async (c) => c.json({ data: (await erp.connections.list(requestOrg(c))).map(connectionToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'put',
      path: '/v1/erp/connections/{id}/account-map',
      tags: [TAG],
      summary: 'Replace the account map (the fix for a document parked as unmapped), checked complete as at connect; then `POST …/retry`.',
      request: { params: connectionParams, body: jsonContent(accountMapRequest) },
      responses: { 200: jsonAnswer('The connection', connectionJson), 400: bad, 404: notFound, 422: { description: '`erp_mapping_incomplete`' } },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const { id } = c.req.valid('param')
      const { type } = await erp.connections.get(orgId, id)
      const connection = await erp.connections.setAccountMap(
        orgId,
        id,
        c.req.valid('json').account_map,
        deps.adapters[type]?.needsItems === true,
        deps.clock.now(),
      )
      return c.json(connectionToJson(connection), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/erp/connections/{id}/status',
      tags: [TAG],
      summary: 'Documents per status, the last errors (with the ERP’s messages) and each recent document with its ERP id.',
      request: { params: connectionParams },
      responses: { 200: jsonAnswer('The status', statusJson), 404: notFound },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const connection = await erp.connections.get(orgId, c.req.valid('param').id)
      const status = await erp.outbox.status(orgId, connection.id)
      return c.json(
        {
          connection: connectionToJson(connection),
          counts: status.counts,
          last_errors: status.lastErrors.map(outboxRowToJson),
          documents: status.documents.map(outboxRowToJson),
        },
        200,
      )
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/erp/connections/{id}/sync',
      tags: [TAG],
      summary: `Drain the connection's outbox now, waiting up to ${SYNC_WAIT_MS / 1000} s for retries falling due; answers what this pass sent, retried and parked.`,
      request: { params: connectionParams },
      responses: { 200: jsonAnswer('What the pass did', syncJson), 404: notFound, 503: { description: '`secret_key_missing`' } },
    }),
    async (c) => c.json(await deps.sync.drain(requestOrg(c), c.req.valid('param').id, { waitMs: SYNC_WAIT_MS }), 200),
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/erp/connections/{id}/retry',
      tags: [TAG],
      summary: 'Put the failed documents back to pending (after fixing their cause, e.g. the account map); the next sync sends them.',
      request: { params: connectionParams },
      responses: { 200: jsonAnswer('How many', retryJson), 404: notFound },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const connection = await erp.connections.get(orgId, c.req.valid('param').id)
      return c.json({ requeued: await erp.outbox.retryFailed(orgId, connection.id) }, 200)
    },
  )

  return app
}
