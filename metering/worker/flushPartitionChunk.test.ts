import type { KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { eventRow } from '../../test/support/eventRows.ts'
import { planChunk } from './flushPartitionChunk.ts'

describe('planChunk', () => {
  it('keeps the first copy of a key, dead-letters poison, and spans the whole offset range', () => {
    // Only the fields planChunk reads; the record-batch bookkeeping fields do not matter here.
    const msg = (offset: string, value: string | Buffer): KafkaMessage =>
      ({
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
