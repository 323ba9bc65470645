// A hand-written check of the common, valid envelope, run before the zod schema: zod's
// safeParse was ~15% of the gateway's busy time per single event (docs/benchmarks.md). It only
// ever accepts; anything it is not sure of (a missing or extra key, a wrong type, a length or
// character limit, an odd prototype) returns null and the caller runs the zod schema, so
// every rejection, with its code, path and message, is still zod's own. The unit test holds it
// to the schema in eventSchema.ts: whatever this accepts, zod accepts with equal output.

import { IDENTIFIER } from '../../platform/identifier.ts'
import { illFormedPath, isWellFormedText } from './wellFormedText.ts'

export interface Envelope {
  raw_metric?: string
  customer_id: string
  timestamp: string
  data: Record<string, unknown>
  event_id?: string
}

/** The envelope when it is plainly valid (as `batchEventSchema` with `withRawMetric`, else `usageEventSchema`); null means "ask zod". */
export function fastEnvelope(item: unknown, withRawMetric: boolean): Envelope | null {
  if (!isJsonObject(item)) return null
  const o = item as Record<string, unknown>
  let keys = 0
  for (const key in o) {
    keys++
    if (key !== 'data' && key !== 'timestamp' && key !== 'customer_id' && key !== 'event_id' && !(withRawMetric && key === 'raw_metric')) return null
  }
  const { timestamp, customer_id, event_id, raw_metric, data } = o
  if (typeof timestamp !== 'string' || timestamp.length === 0 || timestamp.length > 64) return null
  if (!isIdText(customer_id, 255)) return null
  let expected = 2
  if (event_id !== undefined) {
    if (!isIdText(event_id, 128)) return null
    expected++
  }
  if (withRawMetric) {
    if (typeof raw_metric !== 'string' || !IDENTIFIER.test(raw_metric)) return null
    expected++
  }
  if (data !== undefined) {
    if (!isData(data)) return null
    expected++
  }
  // Equal counts with only allowed names seen: no key is present with an undefined value.
  if (keys !== expected) return null
  const envelope: Envelope = { customer_id, timestamp, data: (data as Record<string, unknown> | undefined) ?? {} }
  if (event_id !== undefined) envelope.event_id = event_id as string
  if (withRawMetric) envelope.raw_metric = raw_metric as string
  return envelope
}

// What JSON.parse builds: own enumerable string keys, Object.prototype, no accessors. Others go
// to zod, whose record and object rules for odd prototypes are not worth copying.
function isJsonObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype
}

/** idText in eventSchema.ts: 1..max UTF-16 units, no C0 control character nor DEL, no lone surrogate. */
function isIdText(v: unknown, max: number): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) return false
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c <= 0x1f || c === 0x7f) return false
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high half followed by a low half is one character; any other surrogate stands alone.
      const next = v.charCodeAt(i + 1)
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    }
  }
  return true
}

/** eventDataSchema: a plain object of at most 200 keys of 1..128 units, every key and string well-formed. `__proto__` goes to zod, which drops it. */
function isData(v: unknown): boolean {
  if (!isJsonObject(v)) return false
  const data = v as Record<string, unknown>
  let n = 0
  for (const key in data) {
    if (++n > 200 || key.length === 0 || key.length > 128 || key === '__proto__' || !isWellFormedText(key)) return false
    const value = data[key]
    if (typeof value === 'string' ? !isWellFormedText(value) : illFormedPath(value) !== null) return false
  }
  return true
}
