// Freshness: how long after the 202 an accepted event is visible in the rollups. A probe
// sends one single event at a time (its own customer, so the count is the probe's alone),
// then polls GET /v1/usage (day buckets, served from `usage_hour`) every few milliseconds
// until the count includes it. Runs in the orchestrating process alongside the load.
import { BENCH_KEY, BENCH_METRIC, PROBE_CUSTOMER } from './benchIds.ts'
import { percentile } from './stats.ts'
import { utcText } from './events.ts'

export interface FreshnessResult {
  p50Ms: number
  p99Ms: number
  maxMs: number
  samples: number
}

export interface ProbeState {
  /** Probe events accepted by this server so far (the count the rollups must reach). */
  accepted: number
  tag: string
}

const POLL_MS = 5
const GIVE_UP_MS = 60_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function visibleCount(base: string, customer: string | null = PROBE_CUSTOMER): Promise<number> {
  const now = Date.now()
  const q = new URLSearchParams({
    raw_metric: BENCH_METRIC,
    ...(customer === null ? {} : { customer_id: customer }),
    from: utcText(now - 2 * 86_400_000).slice(0, 10),
    to: utcText(now + 2 * 86_400_000).slice(0, 10),
    granularity: 'day',
  })
  const res = await fetch(`${base}/v1/usage?${q}`, { headers: { authorization: `Bearer ${BENCH_KEY}` } })
  if (res.status !== 200) throw new Error(`usage query: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { buckets: Array<{ events: string }> }
  return body.buckets.reduce((n, b) => n + Number(b.events), 0)
}

/**
 * After a run: seconds until the rollups count every event this server accepted (`expected`,
 * probe included), i.e. until the pipeline has drained what it acknowledged. Polls every 50 ms.
 */
export async function drainSeconds(port: number, expected: number, giveUpMs = 120_000): Promise<{ seconds: number; visible: number }> {
  const base = `http://127.0.0.1:${port}`
  const t0 = performance.now()
  for (;;) {
    const visible = await visibleCount(base, null)
    if (visible >= expected || performance.now() - t0 > giveUpMs) return { seconds: (performance.now() - t0) / 1000, visible }
    await sleep(50)
  }
}

/** Starts probing `port` every `intervalMs`; `stop()` ends after the probe in flight. */
export function startProbe(port: number, state: ProbeState, intervalMs = 100): { stop(): Promise<FreshnessResult> } {
  const base = `http://127.0.0.1:${port}`
  const samples: number[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const id = `probe-${state.tag}-${state.accepted}`
      const res = await fetch(`${base}/usage/${BENCH_METRIC}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event_id: id, customer_id: PROBE_CUSTOMER, timestamp: utcText(Date.now()), data: { probe: '1' } }),
      })
      const text = await res.text()
      const acceptedAt = performance.now()
      if (res.status !== 202) {
        // Under overload a 503 is a valid answer (nothing was acknowledged); try again later.
        await sleep(intervalMs)
        continue
      }
      if (text.includes('"accepted"')) state.accepted++
      for (;;) {
        if ((await visibleCount(base)) >= state.accepted) break
        if (performance.now() - acceptedAt > GIVE_UP_MS) break
        await sleep(POLL_MS)
      }
      samples.push(performance.now() - acceptedAt)
      await sleep(intervalMs)
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      samples.sort((a, b) => a - b)
      return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: samples.at(-1) ?? Number.NaN, samples: samples.length }
    },
  }
}
