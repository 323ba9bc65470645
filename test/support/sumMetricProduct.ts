// A metered product billed on the SUM of a decimal event field (`data.<field>`), through the API:
// the billable metric (SQL mode, version 1) and the product on it. Returns the product's id.
import { expect } from 'vitest'
import type { Harness } from './tallyHarness.ts'

export async function sumMetricProduct(h: Harness, opts: { rawMetric: string; field: string; metric: string; unit: string; product: string }): Promise<string> {
  const metric = await h.json('POST', '/v1/billable-metrics', {
    body: {
      name: opts.metric,
      unit: opts.unit,
      mode: 'sql',
      raw_metrics: [opts.rawMetric],
      customer_query: `SELECT sum(toDecimal128OrNull(fields['${opts.field}'], 2)) AS quantity FROM raw.${opts.rawMetric}`,
    },
  })
  expect(metric.status, JSON.stringify(metric.body)).toBe(201)
  const product = await h.json('POST', '/v1/products', { body: { name: opts.product, kind: 'metered', metric: { name: opts.metric, version: 1 } } })
  expect(product.status, JSON.stringify(product.body)).toBe(201)
  return product.body.id as string
}
