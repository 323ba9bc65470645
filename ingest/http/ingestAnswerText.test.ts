// The hand-written answer text must be JSON.stringify's, byte for byte, whatever the event ids
// hold: quotes, backslashes, control characters, non-ASCII, surrogate pairs and lone surrogates.
import { describe, expect, it } from 'vitest'
import type { IngestResult } from '../envelope/eventSchema.ts'
import { ingestResultText, singleEventText } from './ingestAnswerText.ts'

const ids = ['req-1', 'a"b', 'back\\slash', 'tab\there', 'nul\u0000', 'del\u007f', 'é-ü', 'emoji-😀', 'lone-\ud800', 'lone-\udfff-x', '\u2028sep', '']

describe('ingest answer text', () => {
  it('is JSON.stringify of a batch answer, for every kind of event id and with errors', () => {
    const result: IngestResult = {
      accepted: 10,
      duplicates: 2,
      rejected: 1,
      events: ids.map((event_id, index) => ({ index, event_id, status: index % 5 === 0 ? 'duplicate' : 'accepted' })),
      errors: [
        { index: 12, field: 'timestamp', code: 'invalid_timestamp', message: 'never "is" \\ not a timestamp' },
        { index: 13, code: 'invalid_type', message: 'x' },
      ],
      dedup: 'deferred',
    }
    expect(ingestResultText(result)).toBe(JSON.stringify(result))
    const empty: IngestResult = { accepted: 0, duplicates: 0, rejected: 0, events: [], errors: [], dedup: 'checked' }
    expect(ingestResultText(empty)).toBe(JSON.stringify(empty))
  })

  it('is JSON.stringify of a single event answer', () => {
    for (const event_id of ids) {
      const body = { event_id, status: 'accepted' as const, dedup: 'checked' as const }
      expect(singleEventText(body)).toBe(JSON.stringify(body))
    }
  })
})
