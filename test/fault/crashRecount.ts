// The independent recount of the kill-during-insert tests: what the store should hold,
// computed from the events the client had acknowledged, against what `events`, each rollup
// and `GET /v1/usage` hold. Differences are counted in events, per bucket, both ways.
import { Decimal } from 'decimal.js'
import { clickHouseTimeToIso, type EventRow } from '../../metering/eventRow.ts'
import type { UsageBucket } from '../../metering/usageQuery.ts'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'

/** Events counted too often (`doubled`) or missing (`lost`), and buckets whose value sum is off. */
export interface Drift {
  doubled: number
  lost: number
  wrongSums: number
}

export interface CrashRecount {
  events: Drift
  usage_minute: Drift
  usage_hour: Drift
}

type Buckets = Map<string, { events: number; sum: Decimal }>

const UNIT_MS = { minute: 60_000, hour: 3_600_000 }

/** Per (customer, bucket start): the events and the sum of `data.value` the acknowledged events make. */
export function expectedBuckets(events: EventRow[], unit: 'minute' | 'hour'): Buckets {
  const out: Buckets = new Map()
  for (const e of events) {
    const at = Date.parse(clickHouseTimeToIso(e.timestamp))
    const key = bucketKey(e.customer_id, new Date(at - (at % UNIT_MS[unit])).toISOString())
    const b = out.get(key) ?? { events: 0, sum: new Decimal(0) }
    b.events++
    b.sum = b.sum.plus((JSON.parse(e.data) as { value: string }).value)
    out.set(key, b)
  }
  return out
}

export function drift(expected: Buckets, actual: Buckets): Drift {
  const d: Drift = { doubled: 0, lost: 0, wrongSums: 0 }
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? { events: 0, sum: new Decimal(0) }
    const got = actual.get(key) ?? { events: 0, sum: new Decimal(0) }
    if (got.events > want.events) d.doubled += got.events - want.events
    else d.lost += want.events - got.events
    if (!got.sum.eq(want.sum)) d.wrongSums++
  }
  return d
}

/** The buckets `GET /v1/usage` answered (hour or minute granularity). */
export function apiBuckets(buckets: UsageBucket[]): Buckets {
  const out: Buckets = new Map()
  for (const b of buckets) out.set(bucketKey(b.customer_id, b.bucket), { events: Number(b.events), sum: new Decimal(b.fields.value?.sum ?? '0') })
  return out
}

/** Compares `events` (per event id) and both rollups (per bucket) of `orgId` with the acknowledged events. */
export async function recountStore(handle: ClickHouseHandle, orgId: string, acknowledged: EventRow[]): Promise<CrashRecount> {
  const rs = await handle.client.query({
    query: 'SELECT event_id, toString(count()) AS n FROM events WHERE org_id = {org:String} GROUP BY event_id',
    query_params: { org: orgId },
    format: 'JSONEachRow',
  })
  const stored = new Map((await rs.json<{ event_id: string; n: string }>()).map((r) => [r.event_id, Number(r.n)]))
  const events: Drift = { doubled: 0, lost: 0, wrongSums: 0 }
  const wanted = new Set(acknowledged.map((e) => e.event_id))
  for (const id of wanted) {
    const n = stored.get(id) ?? 0
    if (n === 0) events.lost++
    else events.doubled += n - 1
  }
  // An id nobody sent would be a bug of its own; count it as a doubled event.
  for (const [id, n] of stored) if (!wanted.has(id)) events.doubled += n
  return {
    events,
    usage_minute: drift(expectedBuckets(acknowledged, 'minute'), await rollupBuckets(handle, orgId, 'usage_minute')),
    usage_hour: drift(expectedBuckets(acknowledged, 'hour'), await rollupBuckets(handle, orgId, 'usage_hour')),
  }
}

async function rollupBuckets(handle: ClickHouseHandle, orgId: string, table: 'usage_minute' | 'usage_hour'): Promise<Buckets> {
  const rs = await handle.client.query({
    query: `SELECT customer_id, toString(bucket) AS b,
                   toString(countMergeIf(count, field = '')) AS events,
                   toString(ifNull(sumMergeIf(sum, field = 'value'), toDecimal128(0, 9))) AS total
            FROM ${table} WHERE org_id = {org:String} GROUP BY customer_id, b`,
    query_params: { org: orgId },
    format: 'JSONEachRow',
  })
  const out: Buckets = new Map()
  for (const r of await rs.json<{ customer_id: string; b: string; events: string; total: string }>()) {
    out.set(bucketKey(r.customer_id, clickHouseTimeToIso(r.b)), { events: Number(r.events), sum: new Decimal(r.total) })
  }
  return out
}

function bucketKey(customer: string, isoStart: string): string {
  return `${customer}\u0000${isoStart}`
}
