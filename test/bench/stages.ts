// The stages of issue 7. Each returns paired comparisons (baseline vs Tally, same run) and
// notes; the DESIGN targets are read off them in report.ts.
import type { Comparison } from './compare.ts'
import { runPaired } from './compare.ts'
import { httpSide, startLoadgen, startServerProcess, type ServerHandle } from './httpStages.ts'
import type { BenchOptions } from './options.ts'
import type { Child } from './childProcess.ts'

export interface StageContext {
  opts: BenchOptions
  log: (line: string) => void
  /** Directory for the CPU profile when this stage is the one profiled. */
  profDir(stage: string): string | undefined
}

export interface StageResult {
  comparisons: Comparison[]
  notes: string[]
}

export type Stage = { id: string; title: string; run(ctx: StageContext): Promise<StageResult> }

async function withHttp<T>(
  ctx: StageContext,
  modes: Array<{ mode: string; env?: Record<string, string>; profile?: string }>,
  body: (servers: ServerHandle[], loadgen: Child) => Promise<T>,
): Promise<T> {
  const servers: ServerHandle[] = []
  let loadgen: Child | null = null
  try {
    for (const m of modes) servers.push(await startServerProcess(m.mode, ctx.opts, m.env ?? {}, m.profile === undefined ? undefined : ctx.profDir(m.profile)))
    loadgen = await startLoadgen(ctx.opts)
    return await body(servers, loadgen)
  } finally {
    await loadgen?.ask({ type: 'exit' }).catch(() => undefined)
    for (const s of servers) await s.child.stop()
  }
}

const paired = (ctx: StageContext, p: Omit<Parameters<typeof runPaired>[0], 'rounds' | 'log'>) => runPaired({ ...p, rounds: ctx.opts.rounds, log: ctx.log })

export const gatewayStage: Stage = {
  id: '1',
  title: 'Gateway alone (HTTP, auth, validation, 202, no-op sink) vs bare node:http JSON.parse + 202',
  run: (ctx) =>
    withHttp(ctx, [{ mode: 'bare' }, { mode: 'gateway', profile: '1' }], async ([bare, gateway], loadgen) => {
      const side = (name: string, server: ServerHandle, batchShare: number) => httpSide({ name, server, loadgen, bench: ctx.opts, batchShare })
      const singles = await paired(ctx, {
        id: '1',
        title: 'single events: Tally gateway ÷ bare node:http',
        ratioOf: 'gateway ÷ bare',
        unit: 'events/s',
        baseline: side('bare node:http, singles', bare!, 0),
        tally: side('Tally gateway (no-op sink), singles', gateway!, 0),
      })
      const batches = await paired(ctx, {
        id: '1b',
        title: `${ctx.opts.batchSize}-event batches: Tally gateway ÷ bare node:http`,
        ratioOf: 'gateway ÷ bare',
        unit: 'events/s',
        baseline: side('bare node:http, batches', bare!, 1),
        tally: side('Tally gateway (no-op sink), batches', gateway!, 1),
      })
      return { comparisons: [singles, batches], notes: [] }
    }),
}

export const batchStage: Stage = {
  id: '2',
  title: `Batched (${100} events/request) vs single-event requests`,
  run: (ctx) =>
    withHttp(ctx, [{ mode: 'gateway' }, { mode: 'embedded' }], async ([gateway, embedded], loadgen) => {
      const side = (name: string, server: ServerHandle, batchShare: number) => httpSide({ name, server, loadgen, bench: ctx.opts, batchShare })
      const gw = await paired(ctx, {
        id: '2',
        title: `gateway alone: ${ctx.opts.batchSize}-event batches ÷ single events`,
        ratioOf: 'batched ÷ single',
        unit: 'events/s',
        baseline: side('gateway, singles', gateway!, 0),
        tally: side('gateway, batches', gateway!, 1),
      })
      const e2e = await paired(ctx, {
        id: '2b',
        title: `embedded end to end: ${ctx.opts.batchSize}-event batches ÷ single events`,
        ratioOf: 'batched ÷ single',
        unit: 'events/s',
        baseline: side('embedded, singles', embedded!, 0),
        tally: side('embedded, batches', embedded!, 1),
      })
      return { comparisons: [gw, e2e], notes: [] }
    }),
}

/** Stages 5 and 6: an end-to-end server against the gateway alone, with freshness. */
export function endToEndComparisons(
  ctx: StageContext,
  opts: { id: string; label: string; server: ServerHandle; gateway: ServerHandle; loadgen: Child },
): Promise<Comparison[]> {
  const loads: Array<{ suffix: string; share: number; what: string }> = [
    { suffix: 'a', share: 0, what: 'single events' },
    { suffix: 'b', share: 1, what: `${ctx.opts.batchSize}-event batches` },
  ]
  if (ctx.opts.mix > 0 && ctx.opts.mix < 1)
    loads.push({ suffix: 'c', share: ctx.opts.mix, what: `mixed, ${(ctx.opts.mix * 100).toFixed(0)}% of requests batches` })
  return (async () => {
    const out: Comparison[] = []
    for (const load of loads) {
      out.push(
        await paired(ctx, {
          id: `${opts.id}${load.suffix}`,
          title: `${opts.label}, ${load.what}: end to end ÷ gateway alone`,
          ratioOf: `${opts.label} ÷ gateway alone`,
          unit: 'events/s',
          baseline: httpSide({ name: `gateway alone, ${load.what}`, server: opts.gateway, loadgen: opts.loadgen, bench: ctx.opts, batchShare: load.share }),
          tally: httpSide({
            name: `${opts.label}, ${load.what}`,
            server: opts.server,
            loadgen: opts.loadgen,
            bench: ctx.opts,
            batchShare: load.share,
            freshness: true,
          }),
        }),
      )
    }
    return out
  })()
}

export const embeddedStage: Stage = {
  id: '6',
  title: 'Embedded end to end (HTTP → the default sink, the event log → drain → chDB → rollups) vs the gateway alone',
  run: (ctx) =>
    withHttp(ctx, [{ mode: 'gateway' }, { mode: 'embedded', profile: '6' }], async ([gateway, embedded], loadgen) => ({
      comparisons: await endToEndComparisons(ctx, { id: '6', label: 'embedded (chDB)', server: embedded!, gateway: gateway!, loadgen }),
      notes: [],
    })),
}

/** Issue 19: the same embedded server with the durable event log (2xx after fsync, a drain inserts) vs the direct sink (2xx after the insert). */
export const eventLogStage: Stage = {
  id: '11',
  title: 'Embedded end to end: event log (TALLY_EVENT_LOG=local) vs direct sink',
  run: (ctx) =>
    withHttp(
      ctx,
      [
        { mode: 'embedded', env: { TALLY_EVENT_LOG: 'direct' } },
        { mode: 'embedded', env: { TALLY_EVENT_LOG: 'local' }, profile: '11' },
      ],
      async ([direct, logged], loadgen) => {
        const out: Comparison[] = []
        for (const load of [
          { suffix: 'a', share: 0, what: 'single events' },
          { suffix: 'b', share: 1, what: `${ctx.opts.batchSize}-event batches` },
        ]) {
          const side = (name: string, server: ServerHandle) =>
            httpSide({ name: `${name}, ${load.what}`, server, loadgen, bench: ctx.opts, batchShare: load.share, freshness: true })
          out.push(
            await paired(ctx, {
              id: `11${load.suffix}`,
              title: `embedded end to end, ${load.what}: event log ÷ direct sink`,
              ratioOf: 'event log ÷ direct',
              unit: 'events/s',
              baseline: side('embedded, direct sink', direct!),
              tally: side('embedded, event log', logged!),
            }),
          )
        }
        return { comparisons: out, notes: [] }
      },
    ),
}
