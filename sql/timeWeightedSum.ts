// The builder's TIME_WEIGHTED_SUM: GB-hours (or any unit-time) from gauge readings, without
// hand-written window SQL. Semantics, per customer and series (`series_field`, e.g. an
// instance id; readings of different series add up):
//   - a reading holds from its timestamp until the series' next reading, or the period end;
//   - at the period start, the series' last reading before it carries in (a gauge holds until
//     it changes, however old: send a 0 reading to stop one); before a series' first reading
//     nothing is known, so nothing counts;
//   - only the part of each hold inside [period_start, period_end) counts; a reading at or
//     after the period end is not read;
//   - readings at the same instant are ordered by event_id, the earlier one holds for 0 ms;
//   - a reading whose field is not a number is ignored, as are readings the filters leave out:
//     neither ends the reading before it.
// Exactness: value × milliseconds is summed in Decimal(38, 9), then divided ONCE by the unit's
// milliseconds (truncated to 9 places), so a customer's quantity is truncated once per period.
// Worked example: 2 GB from 00:00 to 01:30 (5,400,000 ms) and 4 GB from 01:30 to 02:00
// (1,800,000 ms): (2 × 5,400,000 + 4 × 1,800,000) / 3,600,000 = 18,000,000 / 3,600,000 = 5 GB-hours.
export const TIME_UNITS = ['second', 'minute', 'hour', 'day'] as const
export type TimeUnit = (typeof TIME_UNITS)[number]

const UNIT_MS: Record<TimeUnit, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }

export interface TimeWeightedParts {
  /** Expressions of one reading's dimension columns, each `expr AS name`. */
  dimensions: Array<{ expr: string; name: string }>
  /** Expression of the series a reading belongs to, or null for one series per customer. */
  series: string | null
  /** Expression of a reading's value (Decimal, NULL when not a number). */
  value: string
  rawMetric: string
  /** WHERE conditions: the customer, the filters. */
  where: string[]
  /** Wraps the quantity expression (rounding), identity when none. */
  wrapQuantity(expr: string): string
  unit: TimeUnit
}

/** Columns of the readings CTE besides the dimensions; a dimension may not take these names. */
export const TIME_WEIGHTED_COLUMNS = ['tws_series', 'tws_value', 'tws_at', 'tws_next_at'] as const

const START = '{period_start:DateTime64(3)}'
const END = '{period_end:DateTime64(3)}'

export function timeWeightedQuery(p: TimeWeightedParts): string {
  const partition = [...(p.series === null ? [] : ['tws_series']), ...p.dimensions.map((d) => d.name)]
  const held = `toDecimal128(dateDiff('millisecond', greatest(tws_at, ${START}), least(tws_next_at, ${END})), 0)`
  const quantity = p.wrapQuantity(`coalesce(sum(tws_value * ${held}), toDecimal128(0, 9)) / ${UNIT_MS[p.unit]}`)
  const lines = [
    'WITH tws_readings AS (',
    '    SELECT',
    [
      ...p.dimensions.map((d) => `${d.expr} AS ${d.name}`),
      ...(p.series === null ? [] : [`${p.series} AS tws_series`]),
      `${p.value} AS tws_value`,
      'timestamp AS tws_at',
      `ifNull(leadInFrame(toNullable(timestamp)) OVER w, ${END}) AS tws_next_at`,
    ]
      .map((c) => `        ${c}`)
      .join(',\n'),
    // history.<metric>: the customer's events up to the period end, earlier ones included, so the
    // reading before the period start can carry in (raw.<metric> holds the period's events only).
    `    FROM history.${p.rawMetric}`,
    `    WHERE ${[...p.where, `timestamp < ${END}`, 'isNotNull(tws_value)'].join('\n      AND ')}`,
    `    WINDOW w AS (${partition.length === 0 ? '' : `PARTITION BY ${partition.join(', ')} `}ORDER BY timestamp, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`,
    ')',
    'SELECT',
    [...p.dimensions.map((d) => d.name), `${quantity} AS quantity`].map((c) => `    ${c}`).join(',\n'),
    'FROM tws_readings',
    `WHERE tws_next_at > ${START}`,
  ]
  if (p.dimensions.length > 0) {
    const names = p.dimensions.map((d) => d.name).join(', ')
    lines.push(`GROUP BY ${names}`, `ORDER BY ${names}`)
  }
  return lines.join('\n')
}
