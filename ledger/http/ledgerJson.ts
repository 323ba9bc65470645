// Repository objects (camelCase) → API JSON (snake_case). Typed against the response schemas
// so the documented shape and the served shape cannot drift apart.
import type { z } from 'zod'
import type { ApiKeyView } from '../apiKeys.ts'
import type { Customer, CustomerTaxFields } from '../customers.ts'
import type { CustomerAddress } from '../schema/customers.ts'
import type { Organisation } from '../organisations.ts'
import type { RawMetric } from '../rawMetrics.ts'
import type { apiKeyJson, customerJson, organisationJson, rawMetricJson } from './ledgerSchemas.ts'

export function organisationToJson(o: Organisation): z.infer<typeof organisationJson> {
  return { id: o.id, name: o.name, created_at: o.createdAt }
}

export function apiKeyToJson(k: ApiKeyView): z.infer<typeof apiKeyJson> {
  return {
    id: k.id,
    org_id: k.orgId,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    last_used_at: k.lastUsedAt,
  }
}

export function customerToJson(c: Customer): z.infer<typeof customerJson> {
  return {
    id: c.id,
    external_id: c.externalId,
    name: c.name,
    email: c.email,
    currency: c.currency,
    time_zone: c.timeZone,
    // Absent rather than null, so customers of organisations without entities answer as before.
    ...(c.billingEntityId === null ? {} : { billing_entity: c.billingEntityId }),
    // Absent when unset too, so customers without tax settings answer as before.
    ...(c.taxRateId === null ? {} : { tax_rate: c.taxRateId }),
    ...(c.taxId === null ? {} : { tax_id: c.taxId }),
    ...(c.reverseCharge ? { reverse_charge: true as const } : {}),
    ...(c.address === null ? {} : { address: c.address }),
    created_at: c.createdAt,
  }
}

export function rawMetricToJson(m: RawMetric): z.infer<typeof rawMetricJson> {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    field_schema: m.fieldSchema,
    created_at: m.createdAt,
  }
}

/** The tax and address fields of a customer request, as the repository takes them (absent stays absent). */
export function customerTaxInput(body: {
  tax_rate?: string | null | undefined
  tax_id?: string | null | undefined
  reverse_charge?: boolean | undefined
  address?: CustomerAddress | null | undefined
}): CustomerTaxFields {
  return {
    ...(body.tax_rate === undefined ? {} : { taxRateId: body.tax_rate }),
    ...(body.tax_id === undefined ? {} : { taxId: body.tax_id }),
    ...(body.reverse_charge === undefined ? {} : { reverseCharge: body.reverse_charge }),
    ...(body.address === undefined ? {} : { address: body.address }),
  }
}
