// The producer side of the kill tests: clients that post batches of events until every one is
// acknowledged, as a well-behaved producer retries (same event ids, so a retry counts once).
import type { EventRow } from '../../metering/eventRow.ts'

/** The API shape of stored rows: a `POST /v1/events` JSON array. */
export function eventsBody(rows: EventRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      raw_metric: r.raw_metric,
      customer_id: r.customer_id,
      event_id: r.event_id,
      timestamp: r.timestamp,
      data: JSON.parse(r.data) as object,
    })),
  )
}

/**
 * Posts the batches of `pending` with `clients` requests in flight until the server dies (a
 * request fails at the socket) or nothing is left. A batch leaves `pending` only on a 202; a
 * 503 puts it back and waits `retryMs`. Returns the number of batches acknowledged.
 */
export async function postUntilDead(opts: {
  base: string
  apiKey: string
  pending: EventRow[][]
  clients: number
  retryMs: number
  /** Called after each acknowledged batch with the count so far. */
  onAck?: (acked: number) => void
}): Promise<number> {
  const headers = { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' }
  let dead = false
  let acked = 0
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (!dead && opts.pending.length > 0) {
        const batch = opts.pending.shift()!
        try {
          const res = await fetch(`${opts.base}/v1/events`, { method: 'POST', headers, body: eventsBody(batch) })
          await res.arrayBuffer()
          if (res.status === 202) {
            acked++
            opts.onAck?.(acked)
            continue
          }
          opts.pending.push(batch)
          await new Promise((r) => setTimeout(r, opts.retryMs))
        } catch {
          dead = true
          opts.pending.push(batch)
        }
      }
    }),
  )
  return acked
}
