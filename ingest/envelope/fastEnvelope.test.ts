import { describe, expect, it } from 'vitest'
import { batchEventSchema, usageEventSchema } from './eventSchema.ts'
import { fastEnvelope } from './fastEnvelope.ts'
import { parseJsonLossless } from './losslessJson.ts'

// The fast check may only ever accept what zod accepts, with the same output; it may pass an
// odd valid case to zod, but the common shapes must take the fast path.
const base = { customer_id: 'cust-1', timestamp: '2023-05-21 09:30:38.731' }
const withData = (data: unknown) => ({ ...base, data })
const json = (text: string) => parseJsonLossless(text)
const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, '1']))

// [name, item, fast path expected for (single, batch)]: true = taken, false = must fall back.
const cases: Array<[string, unknown, { single: boolean; batch: boolean }]> = [
  ['minimal', base, { single: true, batch: false }],
  ['with raw_metric', { ...base, raw_metric: 'api_calls' }, { single: false, batch: true }],
  [
    'benchmark event',
    json(
      '{"event_id":"e-1","raw_metric":"llm","customer_id":"cust-00001","timestamp":"2026-11-21 13:00:00.123","data":{"tokens":"1234","input_tokens":1000,"model":"gpt-4o","cached":true}}',
    ),
    { single: false, batch: true },
  ],
  [
    'benchmark event, no raw_metric',
    json('{"event_id":"e-1","customer_id":"c","timestamp":"t","data":{"tokens":12.50,"cached":false,"n":null}}'),
    { single: true, batch: false },
  ],
  ['empty data', withData({}), { single: true, batch: false }],
  ['nested data', withData({ a: { b: ['1', { c: '2' }] }, list: [1, 2] }), { single: true, batch: false }],
  ['numeric-like data keys', json('{"customer_id":"c","timestamp":"t","data":{"2":"b","1":"a","x":"c"}}'), { single: true, batch: false }],
  ['data key "constructor"', withData({ constructor: 'x', toString: '1' }), { single: true, batch: false }],
  ['200 data fields', withData(fields(200)), { single: true, batch: false }],
  ['201 data fields', withData(fields(201)), { single: false, batch: false }],
  ['data key of 128', withData({ ['k'.repeat(128)]: '1' }), { single: true, batch: false }],
  ['data key of 129', withData({ ['k'.repeat(129)]: '1' }), { single: false, batch: false }],
  ['empty data key', withData({ '': '1' }), { single: false, batch: false }],
  ['data __proto__ key', json('{"customer_id":"c","timestamp":"t","data":{"__proto__":{"x":"1"},"a":"1"}}'), { single: false, batch: false }],
  ['data is an array', withData(['1', '2']), { single: false, batch: false }],
  ['data is a string', withData('x'), { single: false, batch: false }],
  ['data is null', withData(null), { single: false, batch: false }],
  ['data is undefined', withData(undefined), { single: false, batch: false }],
  ['data without prototype', withData(Object.create(null)), { single: false, batch: false }],
  ['extra key', { ...base, extra: '1' }, { single: false, batch: false }],
  ['raw_metric on the single route', { ...base, raw_metric: 'api_calls' }, { single: false, batch: true }],
  ['envelope __proto__ key', json('{"customer_id":"c","timestamp":"t","__proto__":{}}'), { single: false, batch: false }],
  ['missing customer_id', { timestamp: 't' }, { single: false, batch: false }],
  ['missing timestamp', { customer_id: 'c' }, { single: false, batch: false }],
  ['JSON number customer_id', json('{"customer_id":12,"timestamp":"t"}'), { single: false, batch: false }],
  ['JSON number event_id', json('{"customer_id":"c","timestamp":"t","event_id":12}'), { single: false, batch: false }],
  ['number customer_id', { customer_id: 12, timestamp: 't' }, { single: false, batch: false }],
  ['boolean timestamp', { customer_id: 'c', timestamp: true }, { single: false, batch: false }],
  ['null event_id', { ...base, event_id: null }, { single: false, batch: false }],
  ['undefined event_id', { ...base, event_id: undefined }, { single: false, batch: false }],
  ['empty customer_id', { ...base, customer_id: '' }, { single: false, batch: false }],
  ['empty timestamp', { ...base, timestamp: '' }, { single: false, batch: false }],
  ['empty event_id', { ...base, event_id: '' }, { single: false, batch: false }],
  ['timestamp of 64', { ...base, timestamp: 't'.repeat(64) }, { single: true, batch: false }],
  ['timestamp of 65', { ...base, timestamp: 't'.repeat(65) }, { single: false, batch: false }],
  ['customer_id of 255', { ...base, customer_id: 'c'.repeat(255) }, { single: true, batch: false }],
  ['customer_id of 256', { ...base, customer_id: 'c'.repeat(256) }, { single: false, batch: false }],
  ['event_id of 128', { ...base, event_id: 'e'.repeat(128) }, { single: true, batch: false }],
  ['event_id of 129', { ...base, event_id: 'e'.repeat(129) }, { single: false, batch: false }],
  ['NUL in customer_id', { ...base, customer_id: 'a\u0000b' }, { single: false, batch: false }],
  ['newline in customer_id', { ...base, customer_id: 'a\nb' }, { single: false, batch: false }],
  ['trailing newline in event_id', { ...base, event_id: 'e\n' }, { single: false, batch: false }],
  ['DEL in event_id', { ...base, event_id: 'e\u007f' }, { single: false, batch: false }],
  ['unit separator in customer_id', { ...base, customer_id: '\u001f' }, { single: false, batch: false }],
  ['C1 control and emoji in ids (allowed)', { ...base, customer_id: 'a\u0080b', event_id: 'é😀' }, { single: true, batch: false }],
  // A lone surrogate cannot be stored (wellFormedText.ts): zod refuses it, so the fast path must not take it.
  ['lone surrogate in customer_id', { ...base, customer_id: 'a\ud800' }, { single: false, batch: false }],
  ['lone low surrogate in event_id', { ...base, event_id: '\udc00e' }, { single: false, batch: false }],
  ['reversed pair in event_id', { ...base, event_id: '\ude00\ud83d' }, { single: false, batch: false }],
  ['pair at the end of customer_id', { ...base, customer_id: 'c\ud83d\ude00' }, { single: true, batch: false }],
  ['lone surrogate in a data value', withData({ model: 'gpt\ud800' }), { single: false, batch: false }],
  ['lone surrogate in a data key', withData({ ['k\udfff']: '1' }), { single: false, batch: false }],
  ['lone surrogate deep in data', withData({ a: { b: ['1', { c: '\ud800' }] } }), { single: false, batch: false }],
  ['emoji in data', withData({ note: '😀', '😀': '1' }), { single: true, batch: false }],
  ['raw_metric upper case', { ...base, raw_metric: 'Api' }, { single: false, batch: false }],
  ['raw_metric of 63', { ...base, raw_metric: 'a'.repeat(63) }, { single: false, batch: true }],
  ['raw_metric of 64', { ...base, raw_metric: 'a'.repeat(64) }, { single: false, batch: false }],
  ['raw_metric with newline', { ...base, raw_metric: 'api\n' }, { single: false, batch: false }],
  ['raw_metric number', { ...base, raw_metric: 5 }, { single: false, batch: false }],
  ['array', [base], { single: false, batch: false }],
  ['string', 'x', { single: false, batch: false }],
  ['null', null, { single: false, batch: false }],
  ['undefined', undefined, { single: false, batch: false }],
  ['class instance', Object.assign(new (class Event {})(), base), { single: false, batch: false }],
  ['no prototype', Object.assign(Object.create(null) as object, base), { single: false, batch: false }],
]

describe('fastEnvelope agrees with the zod envelope', () => {
  for (const [route, schema, withRawMetric] of [
    ['single', usageEventSchema, false],
    ['batch', batchEventSchema, true],
  ] as const) {
    it.each(cases)(`${route}: %s`, (_name, item, expected) => {
      const fast = fastEnvelope(item, withRawMetric)
      const zod = schema.safeParse(item)
      if (fast !== null) {
        expect(zod.success).toBe(true)
        expect(fast).toEqual(zod.data)
        // The stored `data` text is JSON.stringify of it: equal, key order included.
        expect(JSON.stringify(fast.data)).toBe(JSON.stringify(zod.data!.data))
      }
      expect(fast !== null).toBe(expected[route])
    })
  }

  it('keeps numbers as the producer wrote them', () => {
    const fast = fastEnvelope(json('{"customer_id":"c","timestamp":"t","data":{"q":0.1000000000000000055511}}'), false)
    expect(JSON.stringify(fast?.data)).toBe('{"q":"0.1000000000000000055511"}')
  })
})
