// The JSON contract of the alert endpoints (alertRoutes.ts): requests validated by these schemas,
// answers documented with them in /openapi.json.
import { z } from 'zod'
import { ALERT_KINDS } from '../../ledger/alertStore.ts'

export const createAlertRequest = z.strictObject({
  kind: z
    .enum(ALERT_KINDS)
    .describe(
      '`usage` (a metric’s quantity in the current period ≥ threshold), `spend` (the current period’s invoice preview total ≥ threshold), `credit_balance` (the customer’s credit balance < threshold)',
    ),
  customer: z.string().min(1).describe('The customer’s external id'),
  contract_id: z.string().optional().describe('usage and spend: the contract watched (one of the customer’s)'),
  metric: z.string().optional().describe('usage: the billable metric’s name'),
  currency: z.string().optional().describe('credit_balance: the grants’ currency; default the customer’s'),
  threshold: z
    .string({ error: 'must be a decimal string such as "100.00" (JSON numbers are not accepted)' })
    .describe('A decimal string above zero: a quantity (usage) or an amount'),
  name: z.string().max(200).optional(),
})

export const alertParams = z.object({ id: z.string().describe('The alert id') })

export const alertJson = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  name: z.string().nullable(),
  customer: z.string(),
  contract_id: z.string().nullable(),
  metric: z.string().nullable(),
  currency: z.string().nullable(),
  threshold: z.string(),
  created_at: z.string(),
  firings: z.array(z.object({ period: z.string(), value: z.string(), fired_at: z.string() })).describe('The last 10, most recent first'),
})

export const alertListJson = z.object({ data: z.array(alertJson) })

export const evaluationJson = z.object({ evaluated: z.number().int(), fired: z.number().int().describe('Alerts that fired now (each once per period)') })
