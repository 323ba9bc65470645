// HTTP endpoints of the ledger base. Authentication happens before these routes run (the
// auth middleware sets `principal`); here we only decide scope: org-scoped routes act on the
// principal's organisation, and organisation/key management is for the admin token only.
import { Hono, type Context } from 'hono'
import { ForbiddenError } from '../../platform/errors.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Ledger } from '../ledger.ts'
import { apiKeyToJson, customerToJson, organisationToJson, rawMetricToJson } from './ledgerJson.ts'
import {
  createApiKeyRequest,
  createCustomerRequest,
  createOrganisationRequest,
  createRawMetricRequest,
  listCustomersQuery,
} from './ledgerSchemas.ts'
import { parseJsonBody, parseQuery } from '../../platform/http/parseRequest.ts'

function requireAdmin(c: Context<AppEnv>): void {
  if (c.get('principal').kind !== 'admin') {
    throw new ForbiddenError('admin_required', 'Managing organisations and API keys needs the admin token')
  }
}

export function ledgerRoutes(ledger: Ledger): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/customers', async (c) => {
    const orgId = requestOrg(c)
    const body = await parseJsonBody(c, createCustomerRequest)
    const customer = await ledger.customers.create({
      orgId,
      externalId: body.external_id,
      name: body.name,
      email: body.email,
      currency: body.currency,
      timeZone: body.time_zone,
    })
    return c.json(customerToJson(customer), 201)
  })

  app.get('/v1/customers', async (c) => {
    const orgId = requestOrg(c)
    const query = parseQuery(c, listCustomersQuery)
    const page = await ledger.customers.list(orgId, { limit: query.limit, after: query.after })
    return c.json({ data: page.customers.map(customerToJson), next_after: page.nextAfter })
  })

  app.get('/v1/customers/:externalId', async (c) => {
    const customer = await ledger.customers.get(requestOrg(c), c.req.param('externalId'))
    return c.json(customerToJson(customer))
  })

  app.post('/v1/raw-metrics', async (c) => {
    const orgId = requestOrg(c)
    const body = await parseJsonBody(c, createRawMetricRequest)
    const metric = await ledger.rawMetrics.create({
      orgId,
      name: body.name,
      description: body.description,
      fieldSchema: body.field_schema,
    })
    return c.json(rawMetricToJson(metric), 201)
  })

  app.get('/v1/raw-metrics', async (c) => {
    const metrics = await ledger.rawMetrics.list(requestOrg(c))
    return c.json({ data: metrics.map(rawMetricToJson) })
  })

  app.get('/v1/raw-metrics/:name', async (c) => {
    const metric = await ledger.rawMetrics.get(requestOrg(c), c.req.param('name'))
    return c.json(rawMetricToJson(metric))
  })

  app.post('/v1/organisations', async (c) => {
    requireAdmin(c)
    const body = await parseJsonBody(c, createOrganisationRequest)
    const organisation = await ledger.organisations.create({ id: body.id, name: body.name })
    return c.json(organisationToJson(organisation), 201)
  })

  app.get('/v1/organisations', async (c) => {
    requireAdmin(c)
    const organisations = await ledger.organisations.list()
    return c.json({ data: organisations.map(organisationToJson) })
  })

  app.post('/v1/organisations/:orgId/api-keys', async (c) => {
    requireAdmin(c)
    const body = await parseJsonBody(c, createApiKeyRequest)
    const { key, secret } = await ledger.apiKeys.create({ orgId: c.req.param('orgId'), name: body.name })
    return c.json({ ...apiKeyToJson(key), secret }, 201)
  })

  app.get('/v1/organisations/:orgId/api-keys', async (c) => {
    requireAdmin(c)
    // Listing keys of an organisation that does not exist is a 404, not an empty list.
    const orgId = (await ledger.organisations.get(c.req.param('orgId'))).id
    const keys = await ledger.apiKeys.list(orgId)
    return c.json({ data: keys.map(apiKeyToJson) })
  })

  app.post('/v1/organisations/:orgId/api-keys/:keyId/revoke', async (c) => {
    requireAdmin(c)
    const key = await ledger.apiKeys.revoke(c.req.param('orgId'), c.req.param('keyId'))
    return c.json(apiKeyToJson(key))
  })

  return app
}
