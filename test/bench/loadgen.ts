// The load generator: a separate process (forked by the stages), so it never shares the
// event loop of the server under test. Closed loop: `connections` keep-alive connections,
// each sending its next request when the previous answer arrived (no pipelining). A share
// of the requests are batches (`POST /v1/events`), the rest single events
// (`POST /usage/:rawMetric`, the reference API).
import { cpuUsage } from 'node:process'
import { eventTemplates, type EventTemplate, type NumberStyle } from './events.ts'
import { KeepAliveConnection } from './httpClient.ts'
import { percentile } from './stats.ts'

export interface LoadSpec {
  host: string
  port: number
  apiKey: string
  rawMetric: string
  connections: number
  durationMs: number
  /** Share of requests that are batches, 0..1 (0 = only single events, 1 = only batches). */
  batchShare: number
  batchSize: number
  customers: number
  /** How `data` numbers are written: as strings (the default) or as JSON number literals. */
  numbers: NumberStyle
  /** Prefix of every event id of this run: ids never repeat across runs. */
  runTag: string
}

export interface LoadResult {
  requests: number
  /** Events the server answered 2xx for, minus those it reported rejected or duplicate. */
  events: number
  duplicates: number
  errors: number
  statuses: Record<string, number>
  seconds: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** CPU seconds the generator itself used (user + system). */
  cpuSec: number
  /** The first non-2xx answer, to tell a broken setup from a slow one. */
  errorSample?: string
}

function head(spec: LoadSpec, path: string): string {
  return `POST ${path} HTTP/1.1\r\nHost: ${spec.host}:${spec.port}\r\nAuthorization: Bearer ${spec.apiKey}\r\nContent-Type: application/json\r\n`
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const singles = eventTemplates({ count: 4096, customers: spec.customers, seed: 1, numbers: spec.numbers })
  const batchItems = eventTemplates({ count: 4096, customers: spec.customers, seed: 2, rawMetric: spec.rawMetric, numbers: spec.numbers })
  const singleHead = head(spec, `/usage/${spec.rawMetric}`)
  const batchHead = head(spec, '/v1/events')
  let seq = 0
  let requestNo = 0
  const pick = (templates: EventTemplate[]) => {
    const t = templates[seq & 4095] as EventTemplate
    return `${t[0]}${spec.runTag}-${seq++}${t[1]}`
  }
  // Batches are spread evenly: request n is a batch when floor(n * share) moves.
  const isBatch = (n: number) => Math.floor((n + 1) * spec.batchShare) > Math.floor(n * spec.batchShare)

  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let events = 0
  let duplicates = 0
  let errors = 0
  let errorSample: string | undefined
  const cpu0 = cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + spec.durationMs

  async function connectionLoop(): Promise<void> {
    const conn = new KeepAliveConnection(spec.host, spec.port)
    try {
      while (performance.now() < deadline) {
        const batch = isBatch(requestNo++)
        let body: string
        let n: number
        if (batch) {
          const items: string[] = []
          for (let i = 0; i < spec.batchSize; i++) items.push(pick(batchItems))
          body = `[${items.join(',')}]`
          n = spec.batchSize
        } else {
          body = pick(singles)
          n = 1
        }
        const start = performance.now()
        let status: number
        let text: string
        try {
          const reply = await conn.request(batch ? batchHead : singleHead, body)
          status = reply.status
          text = reply.body
        } catch (err) {
          status = 0
          text = (err as Error).message
          conn.close()
        }
        latencies.push(performance.now() - start)
        statuses[status] = (statuses[status] ?? 0) + 1
        if (status >= 200 && status < 300) {
          let bad = 0
          if (batch) {
            const rejected = /"rejected":(\d+)/.exec(text)
            const dup = /"duplicates":(\d+)/.exec(text)
            bad = Number(rejected?.[1] ?? 0)
            duplicates += Number(dup?.[1] ?? 0)
            bad += Number(dup?.[1] ?? 0)
          } else if (text.includes('"duplicate"')) {
            duplicates++
            bad = 1
          }
          events += n - bad
        } else {
          errors++
          errorSample ??= `${status} ${text.slice(0, 300)}`
        }
      }
    } finally {
      conn.close()
    }
  }

  await Promise.all(Array.from({ length: spec.connections }, () => connectionLoop()))
  const seconds = (performance.now() - t0) / 1000
  const cpu = cpuUsage(cpu0)
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    events,
    duplicates,
    errors,
    statuses,
    seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    ...(errorSample === undefined ? {} : { errorSample }),
  }
}

// Entry point when forked by a stage: one `run` message per measured run, `exit` to stop.
if (process.send !== undefined && process.argv[2] === 'child') {
  process.on('message', (msg: { type: 'run'; spec: LoadSpec } | { type: 'exit' }) => {
    if (msg.type === 'exit') process.exit(0)
    runLoad(msg.spec).then(
      (result) => process.send?.({ type: 'result', result }),
      (err: unknown) => process.send?.({ type: 'error', message: String((err as Error).stack ?? err) }),
    )
  })
  process.send({ type: 'ready' })
}
