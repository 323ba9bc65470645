// The JSON text of a 202 of the two hot routes, written field by field: the batch answer lists
// every event (`{"index":…,"event_id":…,"status":…}`), and JSON.stringify of that generic object
// was the largest single step after the parse in a 100-event batch (docs/benchmarks.md, "Gateway
// fast path"). The text is exactly JSON.stringify's: ingestAnswerText.test.ts compares the two,
// and test/gateway/fastPath.test.ts compares every answer with the Hono route's.
import type { IngestResult } from '../envelope/eventSchema.ts'
import type { SingleEventAnswer } from './ingestRoutes.ts'

/** JSON.stringify(text): the text between quotes when it holds nothing to escape (no quote, backslash, control character or UTF-16 surrogate: a lone one is escaped). */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text)
  }
  return `"${text}"`
}

/** JSON.stringify(result) of a batch answer (202). */
export function ingestResultText(result: IngestResult): string {
  let events = ''
  for (const e of result.events) {
    events += `${events === '' ? '' : ','}{"index":${e.index},"event_id":${jsonString(e.event_id)},"status":"${e.status}"}`
  }
  return (
    `{"accepted":${result.accepted},"duplicates":${result.duplicates},"rejected":${result.rejected},"events":[${events}],` +
    `"errors":${JSON.stringify(result.errors)},"dedup":"${result.dedup}"}`
  )
}

/** JSON.stringify(body) of a single event's 202. */
export function singleEventText(body: SingleEventAnswer['body']): string {
  return `{"event_id":${jsonString(body.event_id)},"status":"${body.status}","dedup":"${body.dedup}"}`
}
