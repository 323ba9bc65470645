// The JSON contract of the ledger endpoints, as zod schemas: the routes (ledgerRoutes.ts)
// validate requests with them, and the same schemas document requests and responses in
// /openapi.json. JSON fields are snake_case; the repositories' camelCase objects are mapped in
// ledgerJson.ts.
import { z } from 'zod'
import { MAX_CUSTOMER_PAGE_SIZE, MAX_EXTERNAL_ID_LENGTH } from '../customers.ts'
import { IDENTIFIER, IDENTIFIER_RULE } from '../../platform/identifier.ts'
import { containsParam } from '../../platform/http/containsParam.ts'
import { FIELD_TYPES, MAX_FIELD_NAME_LENGTH } from '../rawMetrics.ts'

const timestamp = z.iso.datetime().describe('ISO 8601, UTC')

// Strict objects: a misspelt field (`customer_id` for `external_id`) is reported, not ignored.
export const createOrganisationRequest = z.strictObject({
  id: z.uuid().optional().describe('Choose the id (e.g. to match another system); generated when absent'),
  name: z.string().trim().min(1).max(200),
})

export const createApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('What the key is for, e.g. "production gateway"'),
})

export const customerAddress = z
  .strictObject({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    postal_code: z.string().max(20).optional(),
    region: z.string().max(100).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as "GB"' })
      .optional(),
  })
  .describe('Billing address printed on invoices')

const customerTaxRequest = {
  tax_rate: z
    .string()
    .nullable()
    .optional()
    .describe(
      "Id of the customer's default tax rate (422 `unknown_tax_rate`; a product's own rate wins); null: untaxed. Applies to invoices finalized afterwards",
    ),
  tax_id: z.string().trim().min(1).max(100).nullable().optional().describe('Tax registration, e.g. a VAT number, printed on invoices'),
  reverse_charge: z.boolean().optional().describe('The customer accounts for the tax: its taxed lines are taxed at 0 % with the note "Reverse charge"'),
  address: customerAddress.nullable().optional(),
}

export const createCustomerRequest = z.strictObject({
  external_id: z.string().min(1).max(MAX_EXTERNAL_ID_LENGTH).describe('Your id for the customer: the `customer_id` your events carry'),
  name: z.string().trim().min(1).max(500),
  email: z.email().nullable().optional(),
  currency: z.string().optional().describe('ISO 4217 code, upper-case; default USD'),
  time_zone: z.string().optional().describe('IANA time zone; default UTC'),
  billing_entity: z
    .string()
    .nullable()
    .optional()
    .describe(
      "Id of the billing entity that invoices the customer (422 `unknown_billing_entity`); absent: the organisation's default entity if it marked one, else the organisation's own numbering; null: the organisation's own numbering",
    ),
  ...customerTaxRequest,
})

export const updateCustomerRequest = z.strictObject({
  name: z.string().trim().min(1).max(500).optional(),
  email: z.email().nullable().optional(),
  currency: z
    .string()
    .optional()
    .describe("Only before the customer's first invoice (409 `customer_has_invoices`); contracts keep the currency they were created with"),
  time_zone: z.string().optional().describe('IANA time zone; contracts created afterwards bill their periods in it, existing contracts keep theirs'),
  billing_entity: z
    .string()
    .nullable()
    .optional()
    .describe(
      "Id of the billing entity that invoices the customer, null for the organisation; only before the customer's first invoice (409 `customer_has_invoices`)",
    ),
  ...customerTaxRequest,
})

export const listCustomersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_CUSTOMER_PAGE_SIZE).optional().describe('Page size, default 100'),
  after: z.string().min(1).optional().describe('`next_after` of the previous page'),
  q: containsParam('name, e-mail or external id'),
})

// Path parameters: any string reaches the repository, which answers 404 for one it does not hold.
export const customerParams = z.object({ externalId: z.string().describe('The customer_id used in events') })
export const rawMetricParams = z.object({ name: z.string().describe('Raw metric name') })
export const organisationParams = z.object({ orgId: z.string().describe('Organisation id') })
export const apiKeyParams = organisationParams.extend({ keyId: z.string().describe('API key id') })

export const fieldSchemaJson = z
  .record(z.string().min(1).max(MAX_FIELD_NAME_LENGTH), z.enum(FIELD_TYPES))
  .describe('Declared types of event `data` fields: field name → number | string | boolean')

export const createRawMetricRequest = z.strictObject({
  name: z.string().regex(IDENTIFIER, IDENTIFIER_RULE),
  description: z.string().max(2000).nullable().optional(),
  field_schema: fieldSchemaJson.nullable().optional(),
})

export const organisationJson = z.object({ id: z.uuid(), name: z.string(), created_at: timestamp })

export const apiKeyJson = z.object({
  id: z.uuid(),
  org_id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('First 12 characters of the secret'),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  last_used_at: timestamp.nullable(),
})

export const createdApiKeyJson = apiKeyJson.extend({
  secret: z.string().describe('The API key. Shown only in this response; store it now'),
})

export const customerJson = z.object({
  id: z.uuid(),
  external_id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  currency: z.string(),
  time_zone: z.string(),
  billing_entity: z.string().optional().describe('The billing entity that invoices the customer; absent: the organisation'),
  tax_rate: z.string().optional().describe("The customer's default tax rate; absent: none"),
  tax_id: z.string().optional().describe('Absent: none'),
  reverse_charge: z.literal(true).optional().describe('Present (true) for a reverse-charge customer'),
  address: customerAddress.optional().describe('Absent: none'),
  created_at: timestamp,
})

export const rawMetricJson = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  field_schema: fieldSchemaJson.nullable(),
  created_at: timestamp,
})

export const organisationListJson = z.object({ data: z.array(organisationJson) })
export const apiKeyListJson = z.object({ data: z.array(apiKeyJson) })
export const customerListJson = z.object({
  data: z.array(customerJson),
  next_after: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
})
export const rawMetricListJson = z.object({ data: z.array(rawMetricJson) })
