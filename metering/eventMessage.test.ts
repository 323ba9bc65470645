import type { KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { encodeEventMessage } from '../../ingest/sink/kafkaEventMessage.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { decodeEventMessage } from './decodeEventMessage.ts'
import { planChunk } from './flushPartitionChunk.ts'

const row = eventRow({ event_id: 'e-1' })
const decode = (value: Buffer | null, orgHeader?: string, maxBytes = 1024) => decodeEventMessage({ value, orgHeader, maxBytes })

describe('decodeEventMessage', () => {
  it('decodes what the gateway sink encodes, field for field', () => {
    const message = encodeEventMessage(row)
    expect(message.key).toBe('e-1')
    expect(message.headers).toEqual({ 'tally-org': 'org-a' })
    expect(decode(Buffer.from(message.value), 'org-a')).toEqual({ ok: true, row })
  })

  it('names the problem of each kind of poison, keeping the organisation when it can tell', () => {
    expect(decode(Buffer.from('x'.repeat(2000)), 'org-a')).toMatchObject({ ok: false, orgId: 'org-a', code: 'message_too_large' })
    expect(decode(Buffer.from('{nope'), 'org-a')).toMatchObject({ ok: false, orgId: 'org-a', code: 'invalid_json' })
    expect(decode(Buffer.from('[1]'))).toMatchObject({ ok: false, orgId: '', code: 'invalid_event', message: 'the value is not a JSON object' })
    expect(decode(null, 'org-a')).toMatchObject({ ok: false, code: 'invalid_event' })
    expect(decode(Buffer.from(JSON.stringify({ ...row, customer_id: 5 })))).toEqual({
      ok: false,
      orgId: 'org-a',
      code: 'invalid_event',
      message: 'customer_id is missing or not a string',
    })
    expect(decode(Buffer.from(JSON.stringify({ ...row, data: '{"a":' })))).toMatchObject({ code: 'invalid_event', message: expect.stringMatching(/^data is not a JSON object/) })
    expect(decode(Buffer.from(JSON.stringify({ ...row, data: '[1]' })))).toMatchObject({ code: 'invalid_event' })
    expect(decode(Buffer.from(JSON.stringify(row)), 'org-b')).toMatchObject({ ok: false, orgId: 'org-b', code: 'invalid_event' })
  })
})

describe('planChunk', () => {
  it('keeps the first copy of a key, dead-letters poison, and spans the whole offset range', () => {
    // Only the fields planChunk reads; the record-batch bookkeeping fields do not matter here.
    const msg = (offset: string, value: string | Buffer): KafkaMessage => ({
      offset,
      key: Buffer.from('k'),
      value: Buffer.isBuffer(value) ? value : Buffer.from(value),
      headers: { 'tally-org': 'org-a' },
      timestamp: '0',
      attributes: 0,
      size: 0,
    }) as unknown as KafkaMessage
    const a = JSON.stringify(eventRow({ event_id: 'a' }))
    const b = JSON.stringify(eventRow({ event_id: 'b' }))
    const plan = planChunk({
      topic: 't',
      partition: 3,
      messages: [msg('10', a), msg('11', 'bad'), msg('12', a), msg('13', b)],
      maxMessageBytes: 4096,
      now: new Date('2024-03-05T10:00:00.000Z'),
    })
    expect(plan.rows.map((r) => r.event_id)).toEqual(['a', 'b'])
    expect(plan.repeatedInChunk).toBe(1)
    expect(plan.firstOffset).toBe('10')
    expect(plan.lastOffset).toBe('13')
    expect(plan.deadLetters).toEqual([
      {
        org_id: 'org-a',
        source_topic: 't',
        source_partition: 3,
        source_offset: '11',
        message_key: 'k',
        payload: 'bad',
        payload_encoding: 'utf8',
        error_code: 'invalid_json',
        error_message: expect.stringMatching(/^the value is not JSON/),
        failed_at: '2024-03-05 10:00:00.000',
      },
    ])
    expect(plan.deadLetterMessages.map((m) => m.offset)).toEqual(['11'])
  })
})
