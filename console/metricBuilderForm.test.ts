import { describe, expect, it } from 'vitest'
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
})
