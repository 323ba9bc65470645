// The visual query builder (reference docs: "Visual Query Builder"): a few choices become a
// customer-specific query the user can read and fork into SQL mode. Filter values never enter
// the text: each becomes a declared parameter with the value as its default, bound by
// ClickHouse. Field names do enter the text, so they are restricted to a quote-free pattern.
import { z } from 'zod'
import { isDecimalText } from '../platform/decimalText.ts'
import { IDENTIFIER } from '../platform/identifier.ts'
import type { DeclaredParameter } from './parameters.ts'
import { TIME_UNITS, TIME_WEIGHTED_COLUMNS, timeWeightedQuery } from './timeWeightedSum.ts'

/** Field names the builder accepts: no quotes, backslashes or spaces, so they can sit inside '…' literally. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/
/** Dimension names become column aliases. */
export const DIMENSION_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export const AGGREGATIONS = ['SUM', 'COUNT', 'AVG', 'MIN', 'MAX', 'UNIQUE_COUNT', 'LATEST', 'TIME_WEIGHTED_SUM'] as const
/** Same vocabulary as a price's quantity_rounding (rating/compute/rounding.ts); up and down are away from and toward zero. */
export const ROUNDING_MODES = ['up', 'down', 'half_up', 'half_even'] as const
export const FILTER_OPERATORS = ['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const

const fieldName = z.string().regex(FIELD_NAME, 'letters, digits, _ . - (at most 128), starting with a letter or _')

export const builderFilterSchema = z
  .object({
    field: fieldName,
    op: z.enum(FILTER_OPERATORS),
    /** eq/neq compare text; gt/gte/lt/lte compare decimals; in/not_in take `values`; exists takes none. */
    value: z.string().optional(),
    values: z.array(z.string()).max(1000).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const list = f.op === 'in' || f.op === 'not_in'
    if (list && (f.values === undefined || f.values.length === 0)) ctx.addIssue({ code: 'custom', path: ['values'], message: `${f.op} needs values` })
    if (!list && f.op !== 'exists' && f.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${f.op} needs a value` })
    if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && f.value !== undefined && !isDecimalText(f.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a decimal number' })
    }
  })

export const builderSpecSchema = z
  .object({
    raw_metric: z.string().regex(IDENTIFIER),
    /** `customer_id` (the event's) or a data field holding the customer id. */
    customer_column: z.union([z.literal('customer_id'), fieldName]).default('customer_id'),
    /** The data field aggregated; not needed for COUNT. */
    usage_field: fieldName.optional(),
    aggregation: z.enum(AGGREGATIONS),
    filters: z.array(builderFilterSchema).max(20).default([]),
    /** Data fields to group by: each becomes a dimension column of the same name. */
    group_by: z.array(z.string().regex(DIMENSION_NAME, 'lower-case identifier')).max(4).default([]),
    /** TIME_WEIGHTED_SUM: the data field naming a reading's series (e.g. instance_id); absent: one series per customer. */
    series_field: fieldName.optional(),
    /** TIME_WEIGHTED_SUM: the time the quantity is counted in (value × hours for GB-hours). */
    time_unit: z.enum(TIME_UNITS).optional(),
    /** Rounds the quantity (each row's, with group_by) in the query itself: mode and decimal places. */
    rounding: z.strictObject({ mode: z.enum(ROUNDING_MODES), decimals: z.number().int().min(0).max(9) }).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.aggregation !== 'COUNT' && b.usage_field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['usage_field'], message: `${b.aggregation} needs a usage_field` })
    }
    if (b.aggregation !== 'TIME_WEIGHTED_SUM') {
      for (const key of ['series_field', 'time_unit'] as const) {
        if (b[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for TIME_WEIGHTED_SUM` })
      }
    } else {
      b.group_by.forEach((d, i) => {
        if ((TIME_WEIGHTED_COLUMNS as readonly string[]).includes(d))
          ctx.addIssue({ code: 'custom', path: ['group_by', i], message: `${d} is a column name TIME_WEIGHTED_SUM uses` })
      })
    }
  })

export type BuilderSpec = z.output<typeof builderSpecSchema>

export interface BuiltQuery {
  customerQuery: string
  parameters: DeclaredParameter[]
  dimensions: string[]
}

const text = (field: string) => `JSONExtractString(data, '${field}')`
/** The metering rollups' numeric parse (metering/README.md "Numeric fields"): Decimal128(9), NULL when not a number. */
const decimal = (field: string) => `toDecimal128OrNull(${text(field)}, 9)`
const ZERO = 'toDecimal128(0, 9)'

/**
 * The quantity rounded as the spec asks, in ClickHouse: `round` on a Decimal is half away from
 * zero (0.25 → 0.3, -0.25 → -0.3), `roundBankers` half to even (0.25 → 0.2, 0.35 → 0.4),
 * `trunc` toward zero (10.341 → 10.3), ceil/floor by sign away from zero (10.341 → 10.4).
 */
function rounded(spec: BuilderSpec, expr: string): string {
  const r = spec.rounding
  if (r === undefined) return expr
  switch (r.mode) {
    case 'half_up':
      return `round(${expr}, ${r.decimals})`
    case 'half_even':
      return `roundBankers(${expr}, ${r.decimals})`
    case 'down':
      return `trunc(${expr}, ${r.decimals})`
    case 'up':
      // NOTE: the expression appears three times; ClickHouse computes a repeated aggregate once.
      return `if(${expr} < 0, floor(${expr}, ${r.decimals}), ceil(${expr}, ${r.decimals}))`
  }
}

/** One pass over the period's events; TIME_WEIGHTED_SUM needs each reading's next one (timeWeightedSum.ts). */
function aggregate(spec: BuilderSpec, aggregation: Exclude<BuilderSpec['aggregation'], 'TIME_WEIGHTED_SUM'>): string {
  const f = spec.usage_field ?? ''
  switch (aggregation) {
    case 'SUM':
      return `coalesce(sum(${decimal(f)}), ${ZERO})`
    case 'COUNT':
      return spec.usage_field === undefined ? 'count()' : `countIf(JSONHas(data, '${f}'))`
    case 'AVG':
      // Decimal division keeps 9 fractional digits (truncated); greatest() avoids 0/0 on no events.
      return `coalesce(sum(${decimal(f)}), ${ZERO}) / greatest(count(${decimal(f)}), 1)`
    case 'MIN':
      return `coalesce(min(${decimal(f)}), ${ZERO})`
    case 'MAX':
      return `coalesce(max(${decimal(f)}), ${ZERO})`
    case 'UNIQUE_COUNT':
      return `uniqExactIf(${text(f)}, JSONHas(data, '${f}'))`
    case 'LATEST':
      // Ties on timestamp are broken by event_id so the answer never depends on read order.
      return `coalesce(argMaxIf(${decimal(f)}, (timestamp, event_id), isNotNull(${decimal(f)})), ${ZERO})`
  }
}

/** Generates the customer-specific query of a builder metric. */
export function buildQuery(spec: BuilderSpec): BuiltQuery {
  const parameters: DeclaredParameter[] = []
  const customer = spec.customer_column === 'customer_id' ? 'customer_id' : text(spec.customer_column)
  const customerIs = `${customer} = {customer_id:String}`
  const inPeriod = ['timestamp >= {period_start:DateTime64(3)}', 'timestamp < {period_end:DateTime64(3)}']
  const filters: string[] = []
  spec.filters.forEach((f, i) => {
    const name = `filter_${i}`
    switch (f.op) {
      case 'exists':
        filters.push(`JSONHas(data, '${f.field}')`)
        break
      case 'eq':
      case 'neq':
        parameters.push({ name, type: 'String', default: f.value! })
        filters.push(`${text(f.field)} ${f.op === 'eq' ? '=' : '!='} {${name}:String}`)
        break
      case 'in':
      case 'not_in':
        parameters.push({ name, type: 'Array(String)', default: JSON.stringify(f.values) })
        filters.push(`${f.op === 'in' ? '' : 'NOT '}has({${name}:Array(String)}, ${text(f.field)})`)
        break
      default: {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op]
        parameters.push({ name, type: 'Decimal(38, 9)', default: f.value! })
        filters.push(`${decimal(f.field)} ${op} {${name}:Decimal(38, 9)}`)
      }
    }
  })
  if (spec.aggregation === 'TIME_WEIGHTED_SUM') {
    const customerQuery = timeWeightedQuery({
      dimensions: spec.group_by.map((d) => ({ expr: text(d), name: d })),
      series: spec.series_field === undefined ? null : text(spec.series_field),
      value: decimal(spec.usage_field!),
      rawMetric: spec.raw_metric,
      // The period bounds are the readings query's own: a reading before the period start carries in.
      where: [customerIs, ...filters],
      wrapQuantity: (expr) => rounded(spec, expr),
      unit: spec.time_unit ?? 'hour',
    })
    return { customerQuery, parameters, dimensions: [...spec.group_by] }
  }
  const dims = spec.group_by.map((d) => `${text(d)} AS ${d}`)
  const lines = [
    'SELECT',
    [...dims, `${rounded(spec, aggregate(spec, spec.aggregation))} AS quantity`].map((c) => `    ${c}`).join(',\n'),
    `FROM raw.${spec.raw_metric}`,
    `WHERE ${[customerIs, ...inPeriod, ...filters].join('\n  AND ')}`,
  ]
  if (spec.group_by.length > 0) {
    lines.push(`GROUP BY ${spec.group_by.join(', ')}`, `ORDER BY ${spec.group_by.join(', ')}`)
  }
  return { customerQuery: lines.join('\n'), parameters, dimensions: [...spec.group_by] }
}
