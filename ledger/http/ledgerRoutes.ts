// HTTP endpoints of the ledger base. Authentication happens before these routes run (the
// auth middleware sets `principal`); here we only decide scope: org-scoped routes act on the
// principal's organisation, and organisation/key management is for the admin token only.
// Each route is declared once (apiRoute): the schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '../../platform/clock.ts'
import { ForbiddenError } from '../../platform/errors.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'
import { apiKeyToJson, customerTaxInput, customerToJson, organisationToJson, rawMetricToJson } from './ledgerJson.ts'
import {
  apiKeyJson,
  apiKeyListJson,
  apiKeyParams,
  createApiKeyRequest,
  createCustomerRequest,
  updateCustomerRequest,
  createdApiKeyJson,
  createOrganisationRequest,
  createRawMetricRequest,
  customerJson,
  customerListJson,
  customerParams,
  listCustomersQuery,
  organisationJson,
  organisationListJson,
  organisationParams,
  rawMetricJson,
  rawMetricListJson,
  rawMetricParams,
} from './ledgerSchemas.ts'

/** The repositories the ledger base routes read and write. */
export type LedgerBase = Pick<Ledger, 'organisations' | 'apiKeys' | 'customers' | 'rawMetrics'>

const CUSTOMERS_TAG = 'Customers'
const RAW_METRICS_TAG = 'Raw metrics'
const ADMIN_TAG = 'Admin'

const invalid = { description: 'Unparseable JSON (`invalid_json`) or a bad field (`invalid_request` and others; details name the field)' }
const adminOnly = { description: 'Needs the admin token (`admin_required`)' }
const orgNotFound = { description: 'Unknown organisation (`organisation_not_found`)' }

function requireAdmin(c: Context<AppEnv>): void {
  if (c.get('principal').kind !== 'admin') {
    throw new ForbiddenError('admin_required', 'Managing organisations and API keys needs the admin token')
  }
}

/**
 * An organisation or key management route: the admin check runs after apiRoute's body
 * middleware and before the schemas validate. NOTE: so a body over the limit is 413 for anyone
 * (the limit protects the process whoever sends it) and unreadable JSON 400 `invalid_json`, but
 * a non-admin is answered 403 `admin_required`, never a 400 naming the fields, as before.
 */
function forAdmin<R extends { middleware: MiddlewareHandler<AppEnv> }>(route: R): R {
  const readBody = route.middleware
  const checked: MiddlewareHandler<AppEnv> = (c, next) =>
    readBody(c, async () => {
      requireAdmin(c)
      await next()
    })
  return Object.assign(route, { middleware: checked })
}

/** `clock`: the process's "now", every row's `created_at` and a revoked key's `revoked_at`. */
export function ledgerRoutes(ledger: LedgerBase, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/customers',
      tags: [CUSTOMERS_TAG],
      summary: 'Create a customer. `external_id` is the `customer_id` your usage events carry.',
      request: {
        body: jsonContent(createCustomerRequest, {
          external_id: 'acme',
          name: 'Acme Corp',
          email: 'billing@acme.example',
          currency: 'EUR',
          time_zone: 'Europe/Paris',
        }),
      },
      responses: {
        201: jsonAnswer('Created', customerJson),
        400: { description: 'Invalid body (`invalid_json`, `invalid_request` with the fields), or no organisation (`organisation_required`)' },
        409: { description: 'A customer with this external_id exists (`customer_exists`)' },
        422: {
          description:
            'A currency, time zone, billing entity or tax rate that names none (`invalid_currency`, `invalid_time_zone`, `unknown_billing_entity`, `unknown_tax_rate`, field in details)',
        },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const body = c.req.valid('json')
      const customer = await ledger.customers.create({
        orgId,
        externalId: body.external_id,
        name: body.name,
        email: body.email,
        currency: body.currency,
        timeZone: body.time_zone,
        billingEntityId: body.billing_entity,
        ...customerTaxInput(body),
        now: clock.now(),
      })
      return c.json(customerToJson(customer), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/customers',
      tags: [CUSTOMERS_TAG],
      summary: 'List customers in external_id order, one page at a time; `q` searches name, e-mail and external id (case-insensitive, contains).',
      request: { query: listCustomersQuery },
      responses: { 200: jsonAnswer('A page of customers', customerListJson), 400: invalid },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const query = c.req.valid('query')
      const page = await ledger.customers.list(orgId, { limit: query.limit, after: query.after, q: query.q })
      return c.json({ data: page.customers.map(customerToJson), next_after: page.nextAfter }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'patch',
      path: '/v1/customers/{externalId}',
      tags: [CUSTOMERS_TAG],
      summary:
        "Change a customer's name, e-mail, address, tax rate, tax id and reverse charge (for invoices finalized afterwards), currency and billing entity (before its first invoice) or time zone (for contracts created afterwards).",
      request: { params: customerParams, body: jsonContent(updateCustomerRequest, { email: 'billing@acme.example', time_zone: 'Europe/Paris' }) },
      responses: {
        200: jsonAnswer('The customer', customerJson),
        400: invalid,
        404: { description: 'No such customer (`customer_not_found`)' },
        409: { description: 'The customer has invoices: its currency and billing entity can no longer change (`customer_has_invoices`)' },
        422: { description: '`invalid_currency`, `invalid_time_zone`, `unknown_billing_entity`, `unknown_tax_rate`' },
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const customer = await ledger.customers.update({
        orgId: requestOrg(c),
        externalId: c.req.valid('param').externalId,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.email === undefined ? {} : { email: body.email }),
        ...(body.currency === undefined ? {} : { currency: body.currency }),
        ...(body.time_zone === undefined ? {} : { timeZone: body.time_zone }),
        ...(body.billing_entity === undefined ? {} : { billingEntityId: body.billing_entity }),
        ...customerTaxInput(body),
      })
      return c.json(customerToJson(customer), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/customers/{externalId}',
      tags: [CUSTOMERS_TAG],
      summary: 'Get a customer by external id.',
      request: { params: customerParams },
      responses: { 200: jsonAnswer('The customer', customerJson), 404: { description: 'No such customer (`customer_not_found`)' } },
    }),
    async (c) => {
      const customer = await ledger.customers.get(requestOrg(c), c.req.valid('param').externalId)
      return c.json(customerToJson(customer), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/raw-metrics',
      tags: [RAW_METRICS_TAG],
      summary: 'Add a raw metric: the named stream usage events are sent to (`POST /usage/{rawMetric}`).',
      request: {
        body: jsonContent(createRawMetricRequest, { name: 'cpu_usage', description: 'CPU hours per day', field_schema: { cpu_usage_hours_per_day: 'number' } }),
      },
      responses: {
        201: jsonAnswer('Created', rawMetricJson),
        400: { description: 'Invalid body or name (`invalid_raw_metric_name`)' },
        409: { description: 'The raw metric exists (`raw_metric_exists`)' },
      },
    }),
    async (c) => {
      const orgId = requestOrg(c)
      const body = c.req.valid('json')
      const metric = await ledger.rawMetrics.create({
        orgId,
        name: body.name,
        description: body.description,
        fieldSchema: body.field_schema,
        now: clock.now(),
      })
      return c.json(rawMetricToJson(metric), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/raw-metrics',
      tags: [RAW_METRICS_TAG],
      summary: 'List raw metrics by name.',
      responses: { 200: jsonAnswer('Raw metrics', rawMetricListJson) },
    }),
    async (c) => {
      const metrics = await ledger.rawMetrics.list(requestOrg(c))
      return c.json({ data: metrics.map(rawMetricToJson) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/raw-metrics/{name}',
      tags: [RAW_METRICS_TAG],
      summary: 'Get a raw metric.',
      request: { params: rawMetricParams },
      responses: {
        200: jsonAnswer('The raw metric', rawMetricJson),
        404: { description: 'No such raw metric (`raw_metric_not_found`, with a `hint`)' },
      },
    }),
    async (c) => {
      const metric = await ledger.rawMetrics.get(requestOrg(c), c.req.valid('param').name)
      return c.json(rawMetricToJson(metric), 200)
    },
  )

  app.openapi(
    forAdmin(
      apiRoute({
        method: 'post',
        path: '/v1/organisations',
        tags: [ADMIN_TAG],
        summary: 'Create an organisation (admin token).',
        request: { body: jsonContent(createOrganisationRequest, { name: 'Acme' }) },
        responses: {
          201: jsonAnswer('Created', organisationJson),
          400: invalid,
          403: adminOnly,
          409: { description: 'The id is taken (`organisation_exists`)' },
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json')
      const organisation = await ledger.organisations.create({ id: body.id, name: body.name, now: clock.now() })
      return c.json(organisationToJson(organisation), 201)
    },
  )

  app.openapi(
    forAdmin(
      apiRoute({
        method: 'get',
        path: '/v1/organisations',
        tags: [ADMIN_TAG],
        summary: 'List organisations (admin token).',
        responses: { 200: jsonAnswer('Organisations', organisationListJson), 403: adminOnly },
      }),
    ),
    async (c) => {
      const organisations = await ledger.organisations.list()
      return c.json({ data: organisations.map(organisationToJson) }, 200)
    },
  )

  app.openapi(
    forAdmin(
      apiRoute({
        method: 'post',
        path: '/v1/organisations/{orgId}/api-keys',
        tags: [ADMIN_TAG],
        summary: 'Create an API key for an organisation (admin token). The secret is in this response only.',
        request: { params: organisationParams, body: jsonContent(createApiKeyRequest, { name: 'production gateway' }) },
        responses: {
          201: jsonAnswer('Created; store `secret` now', createdApiKeyJson),
          400: invalid,
          403: adminOnly,
          404: orgNotFound,
        },
      }),
    ),
    async (c) => {
      const { key, secret } = await ledger.apiKeys.create({ orgId: c.req.valid('param').orgId, name: c.req.valid('json').name, now: clock.now() })
      return c.json({ ...apiKeyToJson(key), secret }, 201)
    },
  )

  app.openapi(
    forAdmin(
      apiRoute({
        method: 'get',
        path: '/v1/organisations/{orgId}/api-keys',
        tags: [ADMIN_TAG],
        summary: "List an organisation's API keys (admin token). Secrets and hashes are never returned.",
        request: { params: organisationParams },
        responses: { 200: jsonAnswer('API keys', apiKeyListJson), 403: adminOnly, 404: orgNotFound },
      }),
    ),
    async (c) => {
      // Listing keys of an organisation that does not exist is a 404, not an empty list.
      const orgId = (await ledger.organisations.get(c.req.valid('param').orgId)).id
      const keys = await ledger.apiKeys.list(orgId)
      return c.json({ data: keys.map(apiKeyToJson) }, 200)
    },
  )

  app.openapi(
    forAdmin(
      apiRoute({
        method: 'post',
        path: '/v1/organisations/{orgId}/api-keys/{keyId}/revoke',
        tags: [ADMIN_TAG],
        summary: 'Revoke an API key (admin token). Revoking a revoked key is a no-op.',
        request: { params: apiKeyParams },
        responses: {
          200: jsonAnswer('The revoked key', apiKeyJson),
          403: adminOnly,
          404: { description: 'No such key in this organisation (`api_key_not_found`)' },
        },
      }),
    ),
    async (c) => {
      const { orgId, keyId } = c.req.valid('param')
      return c.json(apiKeyToJson(await ledger.apiKeys.revoke(orgId, keyId, clock.now())), 200)
    },
  )

  return app
}
