// The ledger endpoints as documented in /openapi.json, built from the same zod schemas the
// routes parse with (ledgerSchemas.ts).
import type { ApiOperation } from '../../platform/http/openapi.ts'
import {
  apiKeyJson,
  apiKeyListJson,
  createApiKeyRequest,
  createCustomerRequest,
  createdApiKeyJson,
  createOrganisationRequest,
  createRawMetricRequest,
  customerJson,
  customerListJson,
  listCustomersQuery,
  organisationJson,
  organisationListJson,
  rawMetricJson,
  rawMetricListJson,
} from './ledgerSchemas.ts'

const invalid = { description: 'Unparseable JSON (`invalid_json`) or a bad field (`invalid_request` and others; details name the field)' }
const adminOnly = { description: 'Needs the admin token (`admin_required`)' }
const orgNotFound = { description: 'Unknown organisation (`organisation_not_found`)' }

export const ledgerOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/customers',
    tag: 'Customers',
    summary: 'Create a customer. `external_id` is the `customer_id` your usage events carry.',
    body: [
      {
        contentType: 'application/json',
        schema: createCustomerRequest,
        example: { external_id: 'acme', name: 'Acme Corp', email: 'billing@acme.example', currency: 'EUR', time_zone: 'Europe/Paris' },
      },
    ],
    responses: {
      201: { description: 'Created', schema: customerJson },
      400: { description: 'Invalid body (`invalid_json`, `invalid_request` with the fields), or no organisation (`organisation_required`)' },
      409: { description: 'A customer with this external_id exists (`customer_exists`)' },
      422: { description: 'A currency or time zone that names none (`invalid_currency`, `invalid_time_zone`, field in details)' },
    },
  },
  {
    method: 'get',
    path: '/v1/customers',
    tag: 'Customers',
    summary: 'List customers in external_id order, one page at a time.',
    query: listCustomersQuery,
    responses: { 200: { description: 'A page of customers', schema: customerListJson }, 400: invalid },
  },
  {
    method: 'get',
    path: '/v1/customers/{externalId}',
    tag: 'Customers',
    summary: 'Get a customer by external id.',
    pathParams: { externalId: 'The customer_id used in events' },
    responses: {
      200: { description: 'The customer', schema: customerJson },
      404: { description: 'No such customer (`customer_not_found`)' },
    },
  },
  {
    method: 'post',
    path: '/v1/raw-metrics',
    tag: 'Raw metrics',
    summary: 'Add a raw metric: the named stream usage events are sent to (`POST /usage/{rawMetric}`).',
    body: [
      {
        contentType: 'application/json',
        schema: createRawMetricRequest,
        example: { name: 'cpu_usage', description: 'CPU hours per day', field_schema: { cpu_usage_hours_per_day: 'number' } },
      },
    ],
    responses: {
      201: { description: 'Created', schema: rawMetricJson },
      400: { description: 'Invalid body or name (`invalid_raw_metric_name`)' },
      409: { description: 'The raw metric exists (`raw_metric_exists`)' },
    },
  },
  {
    method: 'get',
    path: '/v1/raw-metrics',
    tag: 'Raw metrics',
    summary: 'List raw metrics by name.',
    responses: { 200: { description: 'Raw metrics', schema: rawMetricListJson } },
  },
  {
    method: 'get',
    path: '/v1/raw-metrics/{name}',
    tag: 'Raw metrics',
    summary: 'Get a raw metric.',
    pathParams: { name: 'Raw metric name' },
    responses: {
      200: { description: 'The raw metric', schema: rawMetricJson },
      404: { description: 'No such raw metric (`raw_metric_not_found`, with a `hint`)' },
    },
  },
  {
    method: 'post',
    path: '/v1/organisations',
    tag: 'Admin',
    summary: 'Create an organisation (admin token).',
    body: [{ contentType: 'application/json', schema: createOrganisationRequest, example: { name: 'Acme' } }],
    responses: {
      201: { description: 'Created', schema: organisationJson },
      400: invalid,
      403: adminOnly,
      409: { description: 'The id is taken (`organisation_exists`)' },
    },
  },
  {
    method: 'get',
    path: '/v1/organisations',
    tag: 'Admin',
    summary: 'List organisations (admin token).',
    responses: { 200: { description: 'Organisations', schema: organisationListJson }, 403: adminOnly },
  },
  {
    method: 'post',
    path: '/v1/organisations/{orgId}/api-keys',
    tag: 'Admin',
    summary: 'Create an API key for an organisation (admin token). The secret is in this response only.',
    pathParams: { orgId: 'Organisation id' },
    body: [{ contentType: 'application/json', schema: createApiKeyRequest, example: { name: 'production gateway' } }],
    responses: {
      201: { description: 'Created; store `secret` now', schema: createdApiKeyJson },
      400: invalid,
      403: adminOnly,
      404: orgNotFound,
    },
  },
  {
    method: 'get',
    path: '/v1/organisations/{orgId}/api-keys',
    tag: 'Admin',
    summary: "List an organisation's API keys (admin token). Secrets and hashes are never returned.",
    pathParams: { orgId: 'Organisation id' },
    responses: { 200: { description: 'API keys', schema: apiKeyListJson }, 403: adminOnly, 404: orgNotFound },
  },
  {
    method: 'post',
    path: '/v1/organisations/{orgId}/api-keys/{keyId}/revoke',
    tag: 'Admin',
    summary: 'Revoke an API key (admin token). Revoking a revoked key is a no-op.',
    pathParams: { orgId: 'Organisation id', keyId: 'API key id' },
    responses: {
      200: { description: 'The revoked key', schema: apiKeyJson },
      403: adminOnly,
      404: { description: 'No such key in this organisation (`api_key_not_found`)' },
    },
  },
]
