import { describe, expect, it } from 'vitest'
import type { IngestCatalog, RawMetricInfo } from '../catalog.ts'
import { buildEvents } from './buildEvents.ts'
import { parseJsonLossless } from './losslessJson.ts'

const ORG = '0b7a5e1c-0000-4000-8000-000000000001'

// The ledger port, answered from memory: `llm` declares a field schema, `api_calls` none.
const metrics: Record<string, RawMetricInfo> = {
  llm: { name: 'llm', fieldSchema: { model: 'string', tokens: 'number', cached: 'boolean' } },
  api_calls: { name: 'api_calls', fieldSchema: null },
}
const catalog: IngestCatalog = {
  rawMetric: async (_org, name) => metrics[name] ?? null,
  existingCustomers: async (_org, ids) => new Set(ids),
}

const build = (body: string, rawMetric?: string) => {
  const parsed = parseJsonLossless(body)
  const items = Array.isArray(parsed) ? parsed : [parsed]
  return buildEvents({
    orgId: ORG,
    items,
    source: 'api',
    catalog,
    acceptUnknownCustomers: false,
    now: Date.parse('2026-03-01T00:00:00Z'),
    ...(rawMetric === undefined ? {} : { rawMetric }),
  })
}

describe('buildEvents: a JSON number is not a string', () => {
  it('refuses a number where the envelope wants a string, naming the event and the field; its neighbours are stored', async () => {
    const built = await build(
      '[{"raw_metric":"api_calls","customer_id":"acme","timestamp":"2024-01-01 00:00:00","event_id":"e0"},' +
        '{"raw_metric":"api_calls","customer_id":12345,"timestamp":"2024-01-01 00:00:00","event_id":"e1"},' +
        '{"raw_metric":"api_calls","customer_id":"12345","timestamp":"2024-01-01 00:00:00","event_id":"e2"}]',
    )
    expect(built.rows.map((r) => [r.event_id, r.customer_id])).toEqual([
      ['e0', 'acme'],
      ['e2', '12345'],
    ])
    expect(built.indexes).toEqual([0, 2])
    expect(built.errors).toEqual([
      {
        index: 1,
        field: 'customer_id',
        code: 'number_not_string',
        message: 'customer_id must be a JSON string; the number 12345 was sent (quote it: "12345")',
      },
    ])
  })

  it.each([
    ['customer_id', '{"raw_metric":"api_calls","customer_id":7,"timestamp":"2024-01-01 00:00:00"}'],
    ['event_id', '{"raw_metric":"api_calls","customer_id":"acme","timestamp":"2024-01-01 00:00:00","event_id":12345678901234567890}'],
    ['raw_metric', '{"raw_metric":5,"customer_id":"acme","timestamp":"2024-01-01 00:00:00"}'],
    ['timestamp', '{"raw_metric":"api_calls","customer_id":"acme","timestamp":1704067200000}'],
  ])('batch: a number in %s → number_not_string', async (field, body) => {
    const built = await build(`[${body}]`)
    expect(built.rows).toEqual([])
    expect(built.errors).toEqual([{ index: 0, field, code: 'number_not_string', message: expect.stringContaining(`${field} must be a JSON string`) }])
  })

  it('single route: a number customer_id → number_not_string', async () => {
    const built = await build('{"customer_id":12345,"timestamp":"2024-01-01 00:00:00","data":{}}', 'api_calls')
    expect(built.errors).toEqual([{ index: 0, field: 'customer_id', code: 'number_not_string', message: expect.stringContaining('the number 12345') }])
  })

  it('a number is not an object either: as `data` or as the whole event', async () => {
    expect((await build('{"customer_id":"acme","timestamp":"2024-01-01 00:00:00","data":5}', 'api_calls')).errors).toEqual([
      { index: 0, field: 'data', code: 'invalid_type', message: expect.any(String) },
    ])
    expect((await build('[5]')).errors).toEqual([{ index: 0, code: 'invalid_type', message: 'Invalid input: expected object, received the number 5' }])
  })

  it('a number fails a data field declared string; a declared number takes a JSON number or a numeric string', async () => {
    const built = await build(
      '[{"raw_metric":"llm","customer_id":"acme","timestamp":"2024-01-01 00:00:00","data":{"model":4,"tokens":"10"}},' +
        '{"raw_metric":"llm","customer_id":"acme","timestamp":"2024-01-01 00:00:01","data":{"model":"4","tokens":10,"cached":true}},' +
        '{"raw_metric":"llm","customer_id":"acme","timestamp":"2024-01-01 00:00:02","data":{"model":"4","tokens":"ten"}}]',
    )
    expect(built.indexes).toEqual([1])
    expect(built.errors).toEqual([
      {
        index: 0,
        field: 'data.model',
        code: 'invalid_field_type',
        message: 'data.model must be a string (raw metric "llm" declares it so); the number 4 was sent',
      },
      { index: 2, field: 'data.tokens', code: 'invalid_field_type', message: 'data.tokens must be a number (raw metric "llm" declares it so)' },
    ])
  })

  it('stores numbers in data with the exact digits the producer sent', async () => {
    const built = await build(
      '{"customer_id":"acme","timestamp":"2024-01-01 00:00:00","data":{"big":12345678901234567890,"tiny":0.1000000000000000055511151231257827,"e":-2.5E+3,"s":"7","nested":{"n":[1.10]}}}',
      'api_calls',
    )
    expect(built.errors).toEqual([])
    expect(built.rows[0]!.data).toBe(
      '{"big":"12345678901234567890","tiny":"0.1000000000000000055511151231257827","e":"-2.5E+3","s":"7","nested":{"n":["1.10"]}}',
    )
  })
})

// Issue 13 §3: one field-path format in every answer (platform/issueDetails.ts).
describe('buildEvents: errors name fields as every other answer does', () => {
  it('an unknown key of a batch event is unknown_field at the key, as in the catalogue routes', async () => {
    const built = await build('[{"raw_metric":"api_calls","customer_id":"c","timestamp":"2024-01-01 00:00:00","colour":"red"}]')
    expect(built.errors).toEqual([{ index: 0, field: 'colour', code: 'unknown_field', message: 'unknown field "colour"' }])
  })
})
