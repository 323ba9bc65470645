import { describe, expect, it } from 'vitest'
import { eventRow } from '../test/support/eventRows.ts'
import { decodeEventMessage, encodeEventMessage, ORG_HEADER } from './eventMessage.ts'
import type { EventRow } from './eventRow.ts'

const row = eventRow({ event_id: 'e-1' })
const decode = (value: Buffer | null, orgHeader?: string, maxBytes = 1024) => decodeEventMessage({ value, orgHeader, maxBytes })

describe('the events topic wire format', () => {
  it('decodes what the gateway sink encodes, field for field', () => {
    const message = encodeEventMessage(row)
    expect(message.key).toBe('e-1')
    expect(message.headers).toEqual({ 'tally-org': 'org-a' })
    expect(decode(Buffer.from(message.value), 'org-a')).toEqual({ ok: true, row })
  })

  it('round-trips rows whose text needs escaping, through the header the encoder wrote', () => {
    const rows: EventRow[] = [
      eventRow({ event_id: 'quote"and\\backslash', customer_id: 'ünïcødé 客户', data: '{"note":"line\\nbreak","n":"12345678901234567890.123456789"}' }),
      eventRow({ org_id: 'org-b', raw_metric: 'api_calls', event_id: 'e-2', source: 'csv', data: '{}' }),
    ]
    for (const original of rows) {
      const message = encodeEventMessage(original)
      const decoded = decode(Buffer.from(message.value, 'utf8'), message.headers[ORG_HEADER], 4096)
      expect(decoded).toEqual({ ok: true, row: original })
      expect(message.key).toBe(original.event_id)
    }
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
    expect(decode(Buffer.from(JSON.stringify({ ...row, data: '{"a":' })))).toMatchObject({
      code: 'invalid_event',
      message: expect.stringMatching(/^data is not a JSON object/),
    })
    expect(decode(Buffer.from(JSON.stringify({ ...row, data: '[1]' })))).toMatchObject({ code: 'invalid_event' })
    expect(decode(Buffer.from(JSON.stringify(row)), 'org-b')).toMatchObject({ ok: false, orgId: 'org-b', code: 'invalid_event' })
  })
})
