import { describe, expect, it } from 'vitest'
import { builderSpecSchema } from '../sql/builder.ts'
import { builderDefinition, builderFormOf } from './metricBuilderForm.ts'

describe('the visual builder form', () => {
  it('makes a COUNT of a raw metric with nothing else', () => {
    expect(builderDefinition(builderFormOf({ unit: 'call', raw_metric: 'api_calls', aggregation: 'COUNT', filter_0_field: '', group_by: ' ' }))).toEqual({
      unit: 'call',
      mode: 'builder',
      builder: { raw_metric: 'api_calls', aggregation: 'COUNT' },
    })
  })

  it('makes filters per operator (a list for in, no value for exists) and a group by list', () => {
    const form = builderFormOf({
      unit: 'GB',
      raw_metric: 'storage',
      aggregation: 'SUM',
      usage_field: 'bytes',
      filter_0_field: 'region',
      filter_0_op: 'in',
      filter_0_value: 'eu-west, us-east ,',
      filter_1_field: 'tier',
      filter_1_op: 'exists',
      filter_1_value: 'ignored',
      filter_2_field: 'size',
      filter_2_op: 'gte',
      filter_2_value: '10.5',
      group_by: 'region, tier',
    })
    expect(builderDefinition(form).builder).toEqual({
      raw_metric: 'storage',
      aggregation: 'SUM',
      usage_field: 'bytes',
      filters: [
        { field: 'region', op: 'in', values: ['eu-west', 'us-east'] },
        { field: 'tier', op: 'exists' },
        { field: 'size', op: 'gte', value: '10.5' },
      ],
      group_by: ['region', 'tier'],
    })
  })

  it("makes a time-weighted sum's series and unit, a customer column and rounding, as the API's builder spec takes them", () => {
    const form = builderFormOf({
      unit: 'GB-hour',
      raw_metric: 'storage',
      aggregation: 'TIME_WEIGHTED_SUM',
      usage_field: 'gb',
      customer_column: 'account',
      series_field: 'volume_id',
      time_unit: 'hour',
      rounding_mode: 'half_up',
      rounding_decimals: '2',
    })
    const { builder } = builderDefinition(form)
    expect(builder).toEqual({
      raw_metric: 'storage',
      aggregation: 'TIME_WEIGHTED_SUM',
      usage_field: 'gb',
      customer_column: 'account',
      series_field: 'volume_id',
      time_unit: 'hour',
      rounding: { mode: 'half_up', decimals: 2 },
    })
    expect(builderSpecSchema.safeParse(builder).success).toBe(true)
    // Left empty: the API's defaults (customer_id, one series per customer, hours, no rounding).
    expect(
      builderDefinition(builderFormOf({ raw_metric: 'storage', aggregation: 'SUM', usage_field: 'gb', time_unit: '', rounding_mode: '' })).builder,
    ).toEqual({
      raw_metric: 'storage',
      aggregation: 'SUM',
      usage_field: 'gb',
    })
    // Decimals that are not a whole number go as typed, for the API to refuse by name.
    const bad = builderDefinition(
      builderFormOf({ raw_metric: 'storage', aggregation: 'SUM', usage_field: 'gb', rounding_mode: 'up', rounding_decimals: 'two' }),
    ).builder
    const refused = builderSpecSchema.safeParse(bad)
    expect(refused.success ? [] : refused.error.issues.map((i) => i.path.join('.'))).toEqual(['rounding.decimals'])
  })
})
