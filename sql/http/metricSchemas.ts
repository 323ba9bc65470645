// The JSON contract of the billable-metric endpoints, declared with their routes (metricRoutes.ts):
// one schema validates and documents. JSON is snake_case; quantities are decimal strings.
import { z } from 'zod'
import { instantParam } from '../../platform/http/instantParam.ts'
import { createMetricInputSchema, metricVersionInputSchema } from '../metricDefinition.ts'

/** The OpenAPI tag of every billable-metric route. */
export const METRICS_TAG = 'Billable metrics'

export const createMetricRequest = createMetricInputSchema
export const metricVersionRequest = metricVersionInputSchema

export const formatRequest = z.strictObject({
  sql: z
    .string()
    .min(1)
    .max(64 * 1024),
  /** Comments inside the query are dropped instead of refusing (422 `format_would_drop_comments`). */
  drop_comments: z.boolean().default(false),
})
export const formatResponse = z.object({ sql: z.string() })

const runOptions = {
  customer_id: z.string().min(1).optional().describe('One customer; without it every customer with events in the period (at most max_customers)'),
  period_start: instantParam.describe('Period start, inclusive'),
  period_end: instantParam.describe('Period end, exclusive'),
  parameters: z.record(z.string(), z.string()).optional().describe('Values for declared parameters (defaults otherwise)'),
  max_customers: z.number().int().min(1).max(10_000).optional().describe('Default 1000'),
}

export const previewStoredRequest = z.strictObject({ ...runOptions, version: z.number().int().min(1).optional().describe('Default: the latest') })
export const previewDraftRequest = z.strictObject({ ...runOptions, definition: metricVersionInputSchema })

export const metricNameParams = z.object({ name: z.string().describe('Metric name') })
export const versionQuery = z.object({ version: z.coerce.number().int().min(1).optional().describe('Default: the latest') })
export const diffQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) })

const issue = z.object({
  query: z.enum(['aggregate_query', 'customer_query']),
  code: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
})

const parameterJson = z.object({ name: z.string(), type: z.string(), default: z.string(), description: z.string().optional() })

export const metricVersionJson = z.object({
  name: z.string(),
  version: z.number().int(),
  unit: z.string(),
  description: z.string().nullable(),
  mode: z.enum(['builder', 'sql', 'remote']),
  builder: z.record(z.string(), z.unknown()).nullable(),
  raw_metrics: z.array(z.string()),
  aggregate_query: z.string().nullable(),
  customer_query: z.string().describe('In builder mode: the generated SQL, ready to fork into sql mode'),
  dimensions: z.array(z.string()),
  parameters: z.array(parameterJson),
  source_id: z.string().nullable().describe('Remote mode: the source connection (POST /v1/sources) the queries run at'),
  grouped_query: z.string().nullable().describe('Remote mode: the query for all customers at once ({customer_ids}, a customer_id column)'),
  created_at: z.string(),
})

export const metricListJson = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      latest_version: z.number().int(),
      unit: z.string(),
      description: z.string().nullable(),
      mode: z.enum(['builder', 'sql', 'remote']),
      created_at: z.string(),
      updated_at: z.string(),
      archived_at: z.string().nullable(),
    }),
  ),
})

export const listQuery = z.object({ include_archived: z.enum(['true', 'false']).default('false').describe('Also list archived metrics') })
export const archiveResponse = z.object({ name: z.string(), archived_at: z.string() })

export const versionListJson = z.object({ data: z.array(metricVersionJson) })

export const validateResponse = z.object({
  valid: z.boolean(),
  issues: z.array(issue),
  generated: z.object({ customer_query: z.string(), parameters: z.array(parameterJson), dimensions: z.array(z.string()) }),
  columns: z.array(z.object({ name: z.string(), type: z.string() })).describe('Result columns of the customer query (when valid)'),
})

export const previewResponse = z.object({
  version: z.number().int().optional(),
  customers: z.array(
    z.object({
      customer_id: z.string(),
      quantity: z.string().describe('Exact decimal: the sum of quantity over the rows'),
      rows: z.array(z.record(z.string(), z.unknown())).describe('Dimension columns and quantity (decimal string)'),
    }),
  ),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  truncated: z.boolean(),
  stats: z.object({
    queries: z.number().int(),
    rows_read: z.number().int(),
    bytes_read: z.number().int(),
    elapsed_ms: z.number(),
    form: z
      .enum(['grouped', 'per_customer', 'rollups'])
      .describe('Where the quantities came from: the template grouped by customer, a copy of it per customer, or the metering rollups (builder metrics)'),
    not_grouped: z.string().optional().describe('Why the template could not run grouped by customer'),
  }),
})

export const diffResponse = z.object({
  name: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown(), diff: z.array(z.string()).optional() })),
})
