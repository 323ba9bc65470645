import type { KafkaMessage } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { eventRow } from '../../test/support/eventRows.ts'
import { eventLine, packEventRecords } from '../eventMessage.ts'
import { planChunks } from './flushPartitionChunk.ts'

// Only the fields planChunks reads; the record-batch bookkeeping fields do not matter here.
const msg = (offset: string, value: string | Buffer, headers: Record<string, string> = { 'tally-org': 'org-a' }, key = 'k'): KafkaMessage =>
  ({
    offset,
    key: Buffer.from(key),
    value: Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers,
    timestamp: '0',
    attributes: 0,
    size: 0,
  }) as unknown as KafkaMessage
const now = new Date('2024-03-05T10:00:00.000Z')
/** A packed record of the given event ids, as the gateway's sink writes it. */
const packedMsg = (offset: string, ids: string[]): KafkaMessage => {
  const [record] = packEventRecords({ lines: ids.map((id) => eventLine(eventRow({ event_id: id }))), partitions: 1, maxBytes: 1024 * 1024 })
  return msg(offset, record!.value, record!.headers, record!.key)
}

describe('planChunks', () => {
  it('keeps the first copy of a key, dead-letters poison, and spans the whole offset range', () => {
    const a = JSON.stringify(eventRow({ event_id: 'a' }))
    const b = JSON.stringify(eventRow({ event_id: 'b' }))
    const plans = planChunks({
      topic: 't',
      partition: 3,
      messages: [msg('10', a), msg('11', 'bad'), msg('12', a), msg('13', b)],
      flushRows: 100,
      maxMessageBytes: 4096,
      now,
    })
    expect(plans).toHaveLength(1)
    const plan = plans[0]!
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
        source_line: 0,
        message_key: 'k',
        payload: 'bad',
        payload_encoding: 'utf8',
        error_code: 'invalid_json',
        error_message: expect.stringMatching(/^the value is not JSON/),
        failed_at: '2024-03-05 10:00:00.000',
      },
    ])
    expect(plan.deadLetterMessages).toEqual([{ key: Buffer.from('k'), value: Buffer.from('bad'), sourceLine: null }])
  })

  it('stores the good rows of a packed record and dead-letters the bad one with its line, beside one-event records', () => {
    const good = eventLine(eventRow({ event_id: 'p1' })).text
    const bad = JSON.stringify({ ...eventRow({ event_id: 'p2' }), timestamp: 'yesterday' })
    const tail = eventLine(eventRow({ event_id: 'p3' })).text
    const packed = msg('21', [good, bad, tail].join('\n'), { 'tally-org': 'org-a', 'tally-format': 'packed-v1' }, 'p1')
    const [plan, ...rest] = planChunks({
      topic: 't',
      partition: 3,
      messages: [msg('20', JSON.stringify(eventRow({ event_id: 'old' }))), packed, packedMsg('22', ['p1', 'p4'])],
      flushRows: 100,
      maxMessageBytes: 1024 * 1024,
      now,
    })
    expect(rest).toEqual([])
    expect(plan!.rows.map((r) => r.event_id)).toEqual(['old', 'p1', 'p3', 'p4'])
    expect(plan!.repeatedInChunk).toBe(1) // p1 again in the record at 22
    expect(plan!.deadLetters).toMatchObject([
      { org_id: 'org-a', source_offset: '21', source_line: 2, message_key: 'p1', payload: bad, error_code: 'invalid_event' },
    ])
    expect(plan!.deadLetterMessages).toEqual([{ key: Buffer.from('p1'), value: Buffer.from(bad), sourceLine: 2 }])
  })

  it('cuts runs by events, not records, never splitting a record', () => {
    const messages = [
      packedMsg('0', ['a0', 'a1', 'a2']),
      packedMsg('1', ['b0', 'b1', 'b2']),
      packedMsg('2', ['c0']),
      packedMsg('3', ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']),
      packedMsg('4', ['e0']),
    ]
    const plans = planChunks({ topic: 't', partition: 3, messages, flushRows: 5, maxMessageBytes: 1024 * 1024, now })
    expect(plans.map((p) => [p.firstOffset, p.lastOffset, p.rows.length])).toEqual([
      ['0', '0', 3],
      ['1', '2', 4],
      ['3', '3', 7], // more than flushRows in one record: alone
      ['4', '4', 1],
    ])
  })
})
