// Stages 3 and 5, on a real Kafka broker (`npm run services:up` starts one at 127.0.0.1:9092;
// TALLY_BENCH_KAFKA overrides). Each run gets its own topics and consumer group.
import { connect } from 'node:net'
import { SINGLE_BROKER_KAFKA_ENV } from '../support/kafkaTestTopics.ts'
import { forkChild } from './childProcess.ts'
import { load1, runPaired, type RunMetrics, type Side } from './compare.ts'
import { httpSide, startLoadgen, startServerProcess, type ServerHandle } from './httpStages.ts'
import { endToEndComparisons, type Stage, type StageContext } from './stages.ts'

function brokers(): string {
  return process.env.TALLY_BENCH_KAFKA ?? '127.0.0.1:9092'
}

function reachable(address: string): Promise<boolean> {
  const [host = '127.0.0.1', port = '9092'] = address.split(',')[0]!.split(':')
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.setTimeout(2_000, () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('error', () => resolve(false))
  })
}

function kafkaEnv(tag: string): Record<string, string> {
  return {
    TALLY_KAFKA_BROKERS: brokers(),
    TALLY_KAFKA_TOPIC: `bench.events.${tag}`,
    TALLY_KAFKA_DEAD_LETTER_TOPIC: `bench.events.dlq.${tag}`,
    TALLY_KAFKA_GROUP_ID: `bench-${tag}`,
    ...SINGLE_BROKER_KAFKA_ENV,
  }
}

async function withServers<T>(
  ctx: StageContext,
  modes: Array<{ mode: string; env?: Record<string, string>; profile?: string }>,
  body: (s: ServerHandle[], loadgen: Awaited<ReturnType<typeof startLoadgen>>) => Promise<T>,
): Promise<T> {
  const servers: ServerHandle[] = []
  const loadgen = await startLoadgen(ctx.opts)
  try {
    for (const m of modes) servers.push(await startServerProcess(m.mode, ctx.opts, m.env ?? {}, m.profile === undefined ? undefined : ctx.profDir(m.profile)))
    return await body(servers, loadgen)
  } finally {
    await loadgen.ask({ type: 'exit' }).catch(() => undefined)
    for (const s of servers) await s.child.stop()
  }
}

const noBroker = () => ({ comparisons: [], notes: [`not measured: no Kafka broker at ${brokers()} (start one with \`npm run services:up\`)`] })

const producerStage: Stage = {
  id: '3',
  title: 'Gateway + Kafka sink (acks=all) vs gateway alone; the sink vs a raw kafkajs producer loop; the sink over @platformatic/kafka vs kafkajs',
  async run(ctx) {
    if (!(await reachable(brokers()))) return noBroker()
    const tag = `p${Date.now()}`
    const comparisons = await withServers(
      ctx,
      [{ mode: 'gateway' }, { mode: 'kafka-gateway', env: kafkaEnv(tag), profile: '3' }],
      async ([gateway, kafka], loadgen) => {
        const side = (name: string, server: ServerHandle, batchShare: number) => httpSide({ name, server, loadgen, bench: ctx.opts, batchShare })
        const out = []
        for (const [id, share, what] of [
          ['3', 0, 'single events'],
          ['3b', 1, `${ctx.opts.batchSize}-event batches`],
        ] as const) {
          out.push(
            await runPaired({
              id,
              title: `${what}: gateway + Kafka (acks=all) ÷ gateway alone`,
              ratioOf: 'gateway + Kafka ÷ gateway alone',
              unit: 'events/s',
              rounds: ctx.opts.rounds,
              log: ctx.log,
              baseline: side(`gateway alone (no-op sink), ${what}`, gateway!, share),
              tally: side(`gateway + KafkaEventSink, ${what}`, kafka!, share),
            }),
          )
        }
        return out
      },
    )
    const child = await forkChild('kafkaChild.ts', [brokers(), `bench.producer.${tag}`, String(ctx.opts.batchSize), String(ctx.opts.connections)], {
      verbose: ctx.opts.verbose,
    })
    try {
      const side = (name: string, key: 'sink' | 'raw' | 'platformatic'): Side => ({
        name,
        async run(round, warmup) {
          const startLoad = load1()
          const r = await child.ask<{ events: number; rate: number; seconds: number; p50Ms: number; p99Ms: number; cpuSec: number; peakRssMB: number }>({
            type: 'run',
            side: key,
            durationMs: (warmup ? ctx.opts.warmupSec : ctx.opts.durationSec) * 1000,
          })
          const m: RunMetrics = {
            side: name,
            round,
            rate: r.rate,
            p50Ms: r.p50Ms,
            p99Ms: r.p99Ms,
            cpuPer1k: (r.cpuSec / r.events) * 1000,
            cpuCores: r.cpuSec / r.seconds,
            peakRssMB: r.peakRssMB,
            errors: 0,
            load1: startLoad,
          }
          return m
        },
      })
      comparisons.push(
        await runPaired({
          id: '3c',
          title: `${ctx.opts.connections} concurrent writers of ${ctx.opts.batchSize}-event batches: KafkaEventSink ÷ raw kafkajs producer.send loop`,
          ratioOf: 'KafkaEventSink ÷ raw kafkajs',
          unit: 'events/s',
          rounds: ctx.opts.rounds,
          log: ctx.log,
          baseline: side('raw kafkajs producer.send loop (idempotent, acks=all)', 'raw'),
          tally: side('KafkaEventSink.write (group commit, acks=all)', 'sink'),
        }),
      )
      comparisons.push(
        await runPaired({
          id: '3d',
          title: `${ctx.opts.connections} concurrent writers of ${ctx.opts.batchSize}-event batches: KafkaEventSink over @platformatic/kafka ÷ over kafkajs`,
          ratioOf: '@platformatic/kafka ÷ kafkajs',
          unit: 'events/s',
          rounds: ctx.opts.rounds,
          log: ctx.log,
          baseline: side('KafkaEventSink over kafkajs (idempotent, acks=all)', 'sink'),
          tally: side('KafkaEventSink over @platformatic/kafka 1.35 (idempotent, acks=all)', 'platformatic'),
        }),
      )
    } finally {
      await child.stop()
    }
    return { comparisons, notes: [`broker ${brokers()} (single node, KRaft, on this machine), topics of 6 partitions created per run.`] }
  },
}

const kafkaEndToEndStage: Stage = {
  id: '5',
  title: 'End to end through Kafka (HTTP → KafkaEventSink → topic → metering worker → chDB → rollups) vs the gateway alone',
  async run(ctx) {
    if (!(await reachable(brokers()))) return noBroker()
    const tag = `e${Date.now()}`
    const comparisons = await withServers(
      ctx,
      [{ mode: 'gateway' }, { mode: 'streaming', env: kafkaEnv(tag), profile: '5' }],
      ([gateway, streaming], loadgen) => endToEndComparisons(ctx, { id: '5', label: 'Kafka end to end', server: streaming!, gateway: gateway!, loadgen }),
    )
    return {
      comparisons,
      notes: [
        '`tally start` with TALLY_KAFKA_BROKERS (createStreamingTally): gateway and metering worker in one process sharing chDB, default flush settings (10,000 rows or 200 ms, 6 partitions flushed at a time).',
      ],
    }
  },
}

export const kafkaStages: Stage[] = [producerStage, kafkaEndToEndStage]
