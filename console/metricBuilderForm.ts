// The visual builder's form as data: the choices a person makes (aggregation, field, filters,
// group by, the customer column, a time-weighted sum's series and unit, rounding) become the API's `builder` spec, which the API turns into SQL. The option lists
// mirror the API's (sql/builder.ts); the API validates every choice and says which one is wrong.

export const AGGREGATIONS = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'UNIQUE_COUNT', 'LATEST', 'TIME_WEIGHTED_SUM'] as const
export const FILTER_OPERATORS = ['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const
/** TIME_WEIGHTED_SUM's units (sql/timeWeightedSum.ts); '' is the API's default (hour). */
export const TIME_UNITS = ['', 'second', 'minute', 'hour', 'day'] as const
/** Rounding modes (sql/builder.ts); '' rounds nothing. */
export const ROUNDING_MODES = ['', 'up', 'down', 'half_up', 'half_even'] as const
/** Filter rows the form offers. */
export const FILTER_ROWS = 3

export interface BuilderForm {
  name: string
  unit: string
  raw_metric: string
  aggregation: string
  usage_field: string
  filters: { field: string; op: string; value: string }[]
  group_by: string
  /** A data field holding the customer id; '' is the event's `customer_id`. */
  customer_column: string
  series_field: string
  time_unit: string
  rounding_mode: string
  rounding_decimals: string
  period_start: string
  period_end: string
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

export function builderFormOf(form: Record<string, string>): BuilderForm {
  const t = (k: string) => (form[k] ?? '').trim()
  return {
    name: t('name'),
    unit: t('unit'),
    raw_metric: t('raw_metric'),
    aggregation: t('aggregation') || 'COUNT',
    usage_field: t('usage_field'),
    filters: Array.from({ length: FILTER_ROWS }, (_, i) => ({ field: t(`filter_${i}_field`), op: t(`filter_${i}_op`) || 'eq', value: t(`filter_${i}_value`) })),
    group_by: t('group_by'),
    customer_column: t('customer_column'),
    series_field: t('series_field'),
    time_unit: t('time_unit'),
    rounding_mode: t('rounding_mode'),
    rounding_decimals: t('rounding_decimals'),
    period_start: t('period_start'),
    period_end: t('period_end'),
  }
}

/** The metric definition the API takes (create, validate, preview): builder mode. */
export function builderDefinition(f: BuilderForm) {
  const filters = f.filters
    .filter((x) => x.field !== '')
    .map((x) => {
      if (x.op === 'exists') return { field: x.field, op: x.op }
      if (x.op === 'in' || x.op === 'not_in') return { field: x.field, op: x.op, values: list(x.value) }
      return { field: x.field, op: x.op, value: x.value }
    })
  return {
    unit: f.unit,
    mode: 'builder' as const,
    builder: {
      raw_metric: f.raw_metric,
      aggregation: f.aggregation,
      ...(f.usage_field === '' ? {} : { usage_field: f.usage_field }),
      ...(filters.length === 0 ? {} : { filters }),
      ...(list(f.group_by).length === 0 ? {} : { group_by: list(f.group_by) }),
      ...(f.customer_column === '' ? {} : { customer_column: f.customer_column }),
      ...(f.series_field === '' ? {} : { series_field: f.series_field }),
      ...(f.time_unit === '' ? {} : { time_unit: f.time_unit }),
      // Decimals as typed when they are not a whole number, so the API names the field it refuses.
      ...(f.rounding_mode === ''
        ? {}
        : { rounding: { mode: f.rounding_mode, decimals: /^\d+$/.test(f.rounding_decimals) ? Number(f.rounding_decimals) : f.rounding_decimals } }),
    },
  }
}
