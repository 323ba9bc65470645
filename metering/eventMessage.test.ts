import { describe, expect, it } from 'vitest'
import { eventRow } from '../test/support/eventRows.ts'
import { decodeEventRecord, eventLine, FORMAT_HEADER, ORG_HEADER, PACKED_FORMAT, packEventRecords, type EventMessage } from './eventMessage.ts'
import { keyPartition } from '../platform/kafka/keyPartition.ts'
import type { EventRow } from './eventRow.ts'

const row = eventRow({ event_id: 'e-1' })
/** A one-event record as the sink wrote them before packing (what a topic holds across an upgrade). */
const decodeOld = (value: Buffer | null, orgHeader?: string, maxBytes = 1024) => decodeEventRecord({ value, orgHeader, formatHeader: undefined, maxBytes })
const decodeRecord = (m: EventMessage, maxBytes = 1024 * 1024) =>
  decodeEventRecord({ value: Buffer.from(m.value, 'utf8'), orgHeader: m.headers[ORG_HEADER], formatHeader: m.headers[FORMAT_HEADER], maxBytes })
const packed = (value: string, orgHeader?: string, maxBytes = 4096) =>
  decodeEventRecord({ value: Buffer.from(value), orgHeader, formatHeader: PACKED_FORMAT, maxBytes })

describe('the events topic wire format', () => {
  it('packs one partition’s rows into one record that decodes row for row, in order', () => {
    const rows: EventRow[] = [
      row,
      eventRow({ event_id: 'quote"and\\backslash', customer_id: 'ünïcødé 客户', data: '{"note":"line\\nbreak","n":"12345678901234567890.123456789"}' }),
      eventRow({ event_id: 'e-3', raw_metric: 'api_calls', source: 'csv', data: '{}' }),
    ]
    const records = packEventRecords({ lines: rows.map(eventLine), partitions: 1, maxBytes: 1024 * 1024 })
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ key: 'e-1', partition: 0, headers: { [FORMAT_HEADER]: PACKED_FORMAT, [ORG_HEADER]: 'org-a' } })
    expect(decodeRecord(records[0]!)).toEqual(rows.map((r) => ({ ok: true, row: r })))
  })

  it('names the organisation only when every row of the record has it', () => {
    const rows = [row, eventRow({ org_id: 'org-b', event_id: 'e-2' })]
    const [record] = packEventRecords({ lines: rows.map(eventLine), partitions: 1, maxBytes: 1024 * 1024 })
    expect(record!.headers).toEqual({ [FORMAT_HEADER]: PACKED_FORMAT })
    expect(decodeRecord(record!)).toEqual(rows.map((r) => ({ ok: true, row: r })))
  })

  it('splits a partition’s rows into records of at most maxBytes, a longer row alone', () => {
    const lines = Array.from({ length: 10 }, (_, i) => eventLine(eventRow({ event_id: `e-${i}` })))
    const each = lines[0]!.bytes
    expect(lines.every((l) => l.bytes === each)).toBe(true)
    // Three lines and their two newlines fit; a fourth would not.
    const records = packEventRecords({ lines, partitions: 1, maxBytes: 3 * each + 2 + each })
    expect(records.map((r) => r.value.split('\n').length)).toEqual([3, 3, 3, 1])
    expect(records.every((r) => Buffer.byteLength(r.value) <= 4 * each + 2)).toBe(true)
    expect(records.map((r) => r.key)).toEqual(['e-0', 'e-3', 'e-6', 'e-9'])
    expect(records.flatMap((r) => decodeRecord(r)).map((d) => d.ok && d.row.event_id)).toEqual(lines.map((l) => l.eventId))
    const big = eventLine(eventRow({ event_id: 'big', data: JSON.stringify({ pad: 'x'.repeat(500) }) }))
    expect(packEventRecords({ lines: [lines[0]!, big, lines[1]!], partitions: 1, maxBytes: 300 }).map((r) => r.key)).toEqual(['e-0', 'big', 'e-1'])
  })

  it('puts each row in the record of its event id’s partition, never mixing partitions', () => {
    const lines = Array.from({ length: 500 }, (_, i) => eventLine(eventRow({ event_id: `id-${i}` })))
    const records = packEventRecords({ lines, partitions: 6, maxBytes: 1024 * 1024 })
    expect(records.map((r) => r.partition).sort()).toEqual([0, 1, 2, 3, 4, 5])
    for (const r of records) {
      const ids = decodeRecord(r).map((d) => (d.ok ? d.row.event_id : ''))
      expect(ids.every((id) => keyPartition(id, 6) === r.partition)).toBe(true)
      expect(keyPartition(r.key, 6)).toBe(r.partition)
    }
    expect(records.flatMap((r) => decodeRecord(r).map((d) => d.ok && d.row.event_id)).sort()).toEqual(lines.map((l) => l.eventId).sort())
  })

  it('still decodes the one-event records written before packing', () => {
    const old = { key: 'e-1', value: JSON.stringify(row), headers: { [ORG_HEADER]: 'org-a' } }
    expect(decodeRecord(old)).toEqual([{ ok: true, row }])
  })

  it('dead-letters only the bad row of a packed record, with its line number and bytes, and keeps the good rows', () => {
    const good = eventLine(row).text
    const other = eventLine(eventRow({ event_id: 'e-9' })).text
    const missing = JSON.stringify({ ...row, event_id: 'e-5', customer_id: 5 })
    const decoded = packed([good, missing, '{nope', other].join('\n'), 'org-a')
    expect(decoded).toEqual([
      { ok: true, row },
      { ok: false, orgId: 'org-a', code: 'invalid_event', message: 'customer_id is missing or not a string', line: 2, payload: Buffer.from(missing) },
      { ok: false, orgId: 'org-a', code: 'invalid_json', message: expect.stringMatching(/^the value is not JSON/), line: 3, payload: Buffer.from('{nope') },
      { ok: true, row: eventRow({ event_id: 'e-9' }) },
    ])
    // Without the org header (rows of several organisations) a bad row keeps its own organisation.
    expect(packed([good, JSON.stringify({ ...row, org_id: 'org-c', data: '[1]' })].join('\n'))[1]).toMatchObject({ ok: false, orgId: 'org-c', line: 2 })
    // A row of another organisation than the header says is poison, not stored under either.
    expect(packed([good, eventLine(eventRow({ org_id: 'org-b', event_id: 'x' })).text].join('\n'), 'org-a')[1]).toMatchObject({
      ok: false,
      orgId: 'org-a',
      code: 'invalid_event',
      line: 2,
    })
  })

  it('bounds each event of a packed record, not the record: a too-large row is dead-lettered alone', () => {
    const lines = [eventLine(row).text, JSON.stringify({ ...row, event_id: 'big', data: JSON.stringify({ pad: 'x'.repeat(2000) }) }), eventLine(row).text]
    const decoded = packed(lines.join('\n'), 'org-a', 1024)
    expect(Buffer.byteLength(lines.join('\n'))).toBeGreaterThan(1024)
    expect(decoded).toEqual([
      { ok: true, row },
      {
        ok: false,
        orgId: 'org-a',
        code: 'message_too_large',
        message: `the event is ${lines[1]!.length} bytes; the limit is 1024`,
        line: 2,
        payload: Buffer.from(lines[1]!),
      },
      { ok: true, row },
    ])
  })

  it('dead-letters a whole record that is not JSON at all, a tombstone or of an unknown format', () => {
    const whole = { ok: false, orgId: 'org-a', line: null }
    expect(packed('{nope\n[1,\nzz', 'org-a')).toEqual([
      { ...whole, code: 'invalid_json', message: expect.stringMatching(/^no line of the packed record is JSON/), payload: Buffer.from('{nope\n[1,\nzz') },
    ])
    expect(packed('', 'org-a')).toMatchObject([{ ...whole, code: 'invalid_json' }])
    expect(decodeEventRecord({ value: null, orgHeader: 'org-a', formatHeader: PACKED_FORMAT, maxBytes: 1024 })).toEqual([
      { ...whole, code: 'invalid_event', message: 'the message has no value (a tombstone)', payload: null },
    ])
    expect(decodeEventRecord({ value: Buffer.from(eventLine(row).text), orgHeader: 'org-a', formatHeader: 'packed-v9', maxBytes: 1024 })).toMatchObject([
      { ...whole, code: 'invalid_event', message: 'unknown tally-format "packed-v9"' },
    ])
  })

  it('names the problem of each kind of poison one-event record, keeping the organisation when it can tell', () => {
    expect(decodeOld(Buffer.from('x'.repeat(2000)), 'org-a')).toMatchObject([{ ok: false, orgId: 'org-a', code: 'message_too_large', line: null }])
    expect(decodeOld(Buffer.from('{nope'), 'org-a')).toMatchObject([{ ok: false, orgId: 'org-a', code: 'invalid_json', payload: Buffer.from('{nope') }])
    expect(decodeOld(Buffer.from('[1]'))).toMatchObject([{ ok: false, orgId: '', code: 'invalid_event', message: 'the value is not a JSON object' }])
    expect(decodeOld(null, 'org-a')).toMatchObject([{ ok: false, code: 'invalid_event' }])
    expect(decodeOld(Buffer.from(JSON.stringify({ ...row, customer_id: 5 })))).toMatchObject([
      { ok: false, orgId: 'org-a', code: 'invalid_event', message: 'customer_id is missing or not a string', line: null },
    ])
    expect(decodeOld(Buffer.from(JSON.stringify({ ...row, data: '{"a":' })))).toMatchObject([
      { code: 'invalid_event', message: expect.stringMatching(/^data is not a JSON object/) },
    ])
    expect(decodeOld(Buffer.from(JSON.stringify({ ...row, data: '[1]' })))).toMatchObject([{ code: 'invalid_event' }])
    expect(decodeOld(Buffer.from(JSON.stringify(row)), 'org-b')).toMatchObject([{ ok: false, orgId: 'org-b', code: 'invalid_event' }])
  })
})
