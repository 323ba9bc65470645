// Recovery figure 2 of docs/benchmarks.md ("Recovery"): `tally gateway` (createGateway, default
// Kafka settings but one replica) under a steady stream of single-event requests while its
// broker is SIGKILLed, stays down a while, and is started again. Measured: from the moment the
// broker answers again (up.sh returned: a metadata request succeeded) to the first 202. While it
// is down every request gets 503 with Retry-After (the brokerRestart fault test proves that).
//
//   npx tsx test/bench/recoveryBrokerOutage.ts [--runs 5] [--down-ms 5000]
// A private broker (test/support/kafkaPrivateBroker.ts), never the shared one; not part of `npm test`.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createGateway } from '../../app/createGateway.ts'
import { createPrivateBroker } from '../support/kafkaPrivateBroker.ts'
import { SINGLE_BROKER_KAFKA_ENV } from '../support/kafkaTestTopics.ts'
import { machineInfo } from './machine.ts'
import { summarize } from './stats.ts'

const KEY = 'tly_bench_key_0123456789abcdefghijklmnop'
const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'down-ms': { type: 'string', default: '5000' } } })
const runs = Number(args.runs)
const downMs = Number(args['down-ms'])
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const machine = await machineInfo()
console.log(
  `machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.ramGB} GB, ${machine.os}, node ${machine.node}, kafka ${machine.versions['kafka broker']}, kafkajs ${machine.versions.kafkajs}; load ${machine.loadAtStart.join(' / ')}`,
)

const broker = await createPrivateBroker()
const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-outage-'))
await broker.start()
const topic = `bench-${randomBytes(4).toString('hex')}.events`
const gateway = await createGateway(
  loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: ORG,
    TALLY_BOOTSTRAP_API_KEY: KEY,
    TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'true',
    TALLY_KAFKA_BROKERS: broker.brokers.join(','),
    TALLY_KAFKA_TOPIC: topic,
    ...SINGLE_BROKER_KAFKA_ENV,
  }),
  createLogger('silent'),
)

async function post(path: string, body: unknown): Promise<number> {
  const res = await gateway.app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await res.arrayBuffer()
  return res.status
}

const accepted: number[] = [] // completion times (performance.now()) of every 202
let sending = true
let n = 0
const lanes = [0, 1, 2].map(async () => {
  while (sending) {
    const status = await post('/v1/events', [
      { raw_metric: 'api_calls', event_id: `e-${n++}`, customer_id: 'c', timestamp: '2024-03-05 10:00:00.000', data: { v: 1 } },
    ])
    if (status === 202) accepted.push(performance.now())
    else await sleep(20) // a producer backing off after a 503 (Retry-After is 1 s; 20 ms measures finer)
  }
})

const fromReady: number[] = []
const fromStart: number[] = []
try {
  if ((await post('/v1/raw-metrics', { name: 'api_calls' })) !== 201) throw new Error('could not create the raw metric')
  for (let run = 0; run < runs; run++) {
    await sleep(2_000)
    if (accepted.length === 0 || performance.now() - accepted.at(-1)! > 1_000) throw new Error('the gateway is not accepting before the outage')
    await broker.kill()
    await sleep(downMs)
    const startAt = performance.now()
    await broker.start()
    const readyAt = performance.now()
    while (!accepted.some((t) => t > readyAt)) await sleep(10)
    const first = accepted.find((t) => t > readyAt)!
    fromReady.push(first - readyAt)
    fromStart.push(first - startAt)
    console.log(`run ${run + 1}: broker start ${Math.round(readyAt - startAt)} ms, then first 202 after ${Math.round(first - readyAt)} ms`)
  }
} finally {
  sending = false
  await Promise.all(lanes)
  await gateway.close()
  await broker.destroy()
  rmSync(dataDir, { recursive: true, force: true })
}
const r = summarize(fromReady)
const s = summarize(fromStart)
console.log(`\n| outage | runs | broker answers again → first 202: median (min–max) | broker start command → first 202: median |`)
console.log('| --- | --- | --- | --- |')
console.log(
  `| SIGKILL, ${downMs / 1000} s down | ${r.n} | ${(r.median / 1000).toFixed(2)} s (${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)}) | ${(s.median / 1000).toFixed(1)} s |`,
)
