// What a billable metric version says, as submitted (API, CLI) and as resolved for running.
// In builder mode the customer query is generated from the builder spec; in SQL mode it is
// the user's. Either way the stored version carries the SQL that runs.
import { z } from 'zod'
import { IDENTIFIER, IDENTIFIER_RULE } from '../platform/identifier.ts'
import { builderSpecSchema, buildQuery, DIMENSION_NAME, type BuilderSpec } from './builder.ts'
import { declaredParameterSchema, type DeclaredParameter } from './parameters.ts'
import type { MetricMode } from './metricStore.ts'

/** Longest template text accepted (characters). ClickHouse's max_query_size is 256 KiB. */
export const MAX_QUERY_CHARS = 64 * 1024

const rawMetricName = z.string().regex(IDENTIFIER, 'a raw metric name')
const query = z.string().min(1).max(MAX_QUERY_CHARS)

/** The editable part of a metric: every field of one version. */
export const metricVersionInputSchema = z
  .object({
    unit: z.string().min(1).max(64).describe('What one unit of quantity is, e.g. "API call", "GB-hour"'),
    description: z.string().max(2000).nullish(),
    raw_metrics: z
      .array(rawMetricName)
      .min(1)
      .max(10)
      .optional()
      .describe('Raw metrics the templates read as raw.<name>; builder mode: taken from the builder'),
    mode: z.enum(['builder', 'sql', 'remote']),
    source_id: z.uuid().optional().describe('Remote mode: the source connection (POST /v1/sources) the queries run at, in its own dialect'),
    grouped_query: query.nullish().describe('Remote mode: optional query for all due customers at once: {customer_ids} and a customer_id column'),
    builder: builderSpecSchema.optional().describe('Builder mode: the choices the SQL is generated from'),
    aggregate_query: query.nullish().describe('SQL mode: optional query over all customers for the period, readable as `aggregates`'),
    customer_query: query.optional().describe('SQL and remote mode: the quantity (and dimension columns) for {customer_id:String}'),
    dimensions: z.array(z.string().regex(DIMENSION_NAME)).max(4).optional().describe('Columns of the customer query besides quantity, one row per combination'),
    parameters: z.array(declaredParameterSchema).max(20).optional().describe('Extra typed parameters with defaults'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.mode === 'builder') {
      if (m.builder === undefined) ctx.addIssue({ code: 'custom', path: ['builder'], message: 'builder mode needs builder' })
      for (const key of ['aggregate_query', 'customer_query', 'parameters', 'dimensions', 'raw_metrics'] as const) {
        if (m[key] !== undefined && m[key] !== null)
          ctx.addIssue({ code: 'custom', path: [key], message: `builder mode generates ${key}; switch to mode "sql" to write it` })
      }
    } else if (m.mode === 'remote') {
      if (m.source_id === undefined) ctx.addIssue({ code: 'custom', path: ['source_id'], message: 'remote mode needs source_id' })
      if (m.customer_query === undefined) ctx.addIssue({ code: 'custom', path: ['customer_query'], message: 'remote mode needs customer_query' })
      for (const key of ['builder', 'raw_metrics', 'aggregate_query', 'parameters'] as const) {
        if (m[key] !== undefined && m[key] !== null)
          ctx.addIssue({ code: 'custom', path: [key], message: `remote mode has no ${key}: the query runs at the source` })
      }
    } else {
      if (m.source_id !== undefined || (m.grouped_query ?? null) !== null)
        ctx.addIssue({ code: 'custom', path: ['source_id'], message: 'source_id and grouped_query are for remote mode' })
      if (m.customer_query === undefined) ctx.addIssue({ code: 'custom', path: ['customer_query'], message: 'sql mode needs customer_query' })
      if (m.raw_metrics === undefined) ctx.addIssue({ code: 'custom', path: ['raw_metrics'], message: 'sql mode needs raw_metrics' })
      if (m.builder !== undefined) ctx.addIssue({ code: 'custom', path: ['builder'], message: 'builder is for builder mode' })
    }
    const names = (m.parameters ?? []).map((p) => p.name)
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'parameter names repeat' })
  })

export const createMetricInputSchema = z.intersection(z.object({ name: z.string().regex(IDENTIFIER, IDENTIFIER_RULE) }), metricVersionInputSchema)

export type MetricVersionInput = z.output<typeof metricVersionInputSchema>

/** A version resolved for storing and running: the SQL and parameters are always explicit. */
export interface ResolvedMetricVersion {
  unit: string
  description: string | null
  mode: MetricMode
  builder: BuilderSpec | null
  rawMetrics: string[]
  aggregateQuery: string | null
  customerQuery: string
  dimensions: string[]
  parameters: DeclaredParameter[]
  /** Remote mode only (null otherwise). */
  sourceId: string | null
  groupedQuery: string | null
}

export function resolveMetricVersion(input: MetricVersionInput): ResolvedMetricVersion {
  if (input.mode === 'builder') {
    const spec = input.builder!
    const built = buildQuery(spec)
    return {
      unit: input.unit,
      description: input.description ?? null,
      mode: 'builder',
      builder: spec,
      rawMetrics: [spec.raw_metric],
      aggregateQuery: null,
      customerQuery: built.customerQuery,
      dimensions: built.dimensions,
      parameters: built.parameters,
      sourceId: null,
      groupedQuery: null,
    }
  }
  if (input.mode === 'remote') {
    return {
      unit: input.unit,
      description: input.description ?? null,
      mode: 'remote',
      builder: null,
      rawMetrics: [],
      aggregateQuery: null,
      customerQuery: input.customer_query!,
      dimensions: input.dimensions ?? [],
      parameters: [],
      sourceId: input.source_id!,
      groupedQuery: input.grouped_query ?? null,
    }
  }
  return {
    unit: input.unit,
    description: input.description ?? null,
    mode: 'sql',
    builder: null,
    rawMetrics: [...new Set(input.raw_metrics!)],
    aggregateQuery: input.aggregate_query ?? null,
    customerQuery: input.customer_query!,
    dimensions: input.dimensions ?? [],
    parameters: input.parameters ?? [],
    sourceId: null,
    groupedQuery: null,
  }
}
