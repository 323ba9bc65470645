// Realistic usage events for the load generator and the in-process stages: an LLM-API style
// event with ten fields (event_id, customer_id, timestamp and seven data fields), about 200
// bytes of JSON, numbers sent as strings (`"tokens": "812"`) or, with `numbers: 'json'`, as
// JSON number literals (`"tokens": 812`, as the reference docs' curl example sends them).
//
// Bodies are built from pre-serialised templates with only the event id spliced in, so the
// generator spends microseconds per request and every event is unique (no dedup hits).
import type { EventRow } from '../../metering/eventRow.ts'

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-haiku', 'llama-3-70b', 'mistral-large']
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1', 'us-west-2']

/** Deterministic PRNG (mulberry32): the same seed gives the same events in every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function customerId(i: number): string {
  return `cust-${String(i).padStart(5, '0')}`
}

/** `YYYY-MM-DD HH:mm:ss.SSS`, UTC (the reference format). */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
}

export type NumberStyle = 'string' | 'json'

export interface EventFields {
  customer_id: string
  timestamp: string
  data: Record<string, string | number | boolean>
}

export function eventFields(random: () => number, customers: number, nowMs: number, numbers: NumberStyle = 'string'): EventFields {
  const num = (n: number): string | number => (numbers === 'json' ? n : String(n))
  const input = 50 + Math.floor(random() * 4000)
  const output = 10 + Math.floor(random() * 1500)
  return {
    customer_id: customerId(Math.floor(random() * customers)),
    // Within the last ten minutes: realistic lateness, and every event lands in live buckets.
    timestamp: utcText(nowMs - Math.floor(random() * 600_000)),
    data: {
      tokens: num(input + output),
      input_tokens: num(input),
      output_tokens: num(output),
      model: MODELS[Math.floor(random() * MODELS.length)] as string,
      region: REGIONS[Math.floor(random() * REGIONS.length)] as string,
      latency_ms: num(40 + Math.floor(random() * 900)),
      cached: random() < 0.2,
    },
  }
}

/** One event's JSON split around its event id: `parts[0] + id + parts[1]`. */
export type EventTemplate = [string, string]

const ID_MARK = '\u0001ID\u0001'

export function eventTemplates(opts: { count: number; customers: number; seed: number; rawMetric?: string; numbers?: NumberStyle }): EventTemplate[] {
  const random = rng(opts.seed)
  const now = Date.now()
  const out: EventTemplate[] = []
  for (let i = 0; i < opts.count; i++) {
    const f = eventFields(random, opts.customers, now, opts.numbers)
    const body = opts.rawMetric === undefined ? { event_id: ID_MARK, ...f } : { event_id: ID_MARK, raw_metric: opts.rawMetric, ...f }
    const [head, tail] = JSON.stringify(body).split(JSON.stringify(ID_MARK))
    out.push([`${head}"`, `"${tail}`])
  }
  return out
}

/** Stored rows for the in-process stages (writer, query), as the gateway would build them. */
export function eventRows(opts: { count: number; orgId: string; rawMetric: string; customers: number; seed: number; idPrefix: string }): EventRow[] {
  const random = rng(opts.seed)
  const now = Date.now()
  const ingested = utcText(now)
  const rows: EventRow[] = []
  for (let i = 0; i < opts.count; i++) {
    const f = eventFields(random, opts.customers, now)
    rows.push({
      org_id: opts.orgId,
      raw_metric: opts.rawMetric,
      customer_id: f.customer_id,
      event_id: `${opts.idPrefix}-${i}`,
      timestamp: f.timestamp,
      data: JSON.stringify(f.data),
      ingested_at: ingested,
      source: 'api',
    })
  }
  return rows
}
