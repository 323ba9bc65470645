// HTTP sides: a server process under test driven by the load generator process.
import { forkChild, type Child } from './childProcess.ts'
import { load1, type RunMetrics, type Side } from './compare.ts'
import { BENCH_KEY, BENCH_METRIC } from './benchIds.ts'
import { drainSeconds, startProbe, type ProbeState } from './freshness.ts'
import type { LoadResult, LoadSpec } from './loadgen.ts'
import type { ServerStats } from './server.ts'
import type { BenchOptions } from './options.ts'

export interface ServerHandle {
  mode: string
  child: Child
  port: number
  probe: ProbeState
  /** Events of the load generator this server accepted so far (for the drain check). */
  accepted: number
}

export async function startServerProcess(mode: string, opts: BenchOptions, env: Record<string, string> = {}, cpuProfDir?: string): Promise<ServerHandle> {
  const child = await forkChild('server.ts', [mode, String(opts.customers), JSON.stringify(env)], {
    verbose: opts.verbose,
    ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
  })
  return { mode, child, port: Number(child.ready.port), probe: { accepted: 0, tag: `${mode}-${Date.now()}` }, accepted: 0 }
}

export function startLoadgen(opts: BenchOptions): Promise<Child> {
  return forkChild('loadgen.ts', [], { verbose: opts.verbose })
}

let runCounter = 0

/** One side of an HTTP comparison: `load` against `server`, optionally with the freshness probe. */
export function httpSide(opts: { name: string; server: ServerHandle; loadgen: Child; bench: BenchOptions; batchShare: number; freshness?: boolean }): Side {
  return {
    name: opts.name,
    async run(round, warmup) {
      const spec: LoadSpec = {
        host: '127.0.0.1',
        port: opts.server.port,
        apiKey: BENCH_KEY,
        rawMetric: BENCH_METRIC,
        connections: opts.bench.connections,
        durationMs: (warmup ? opts.bench.warmupSec : opts.bench.durationSec) * 1000,
        batchShare: opts.batchShare,
        batchSize: opts.bench.batchSize,
        customers: opts.bench.customers,
        numbers: opts.bench.numbers,
        runTag: `r${process.pid}-${Date.now()}-${runCounter++}`,
      }
      const before = await opts.server.child.ask<ServerStats>({ type: 'stats' })
      const startLoad = load1()
      const probe = opts.freshness === true ? startProbe(opts.server.port, opts.server.probe) : null
      const { result } = await opts.loadgen.ask<{ result: LoadResult }>({ type: 'run', spec })
      const freshness = probe === null ? undefined : await probe.stop()
      opts.server.accepted += result.events
      // End to end, "sustained" counts until everything acknowledged is visible in the rollups:
      // a pipeline that acks faster than it stores builds a backlog, and that is not throughput.
      const drain = opts.freshness === true ? await drainSeconds(opts.server.port, opts.server.accepted + opts.server.probe.accepted) : null
      const after = await opts.server.child.ask<ServerStats>({ type: 'stats' })
      const cpu = after.cpuSec - before.cpuSec
      const wall = result.seconds + (drain?.seconds ?? 0)
      const m: RunMetrics = {
        side: opts.name,
        round,
        rate: result.events / wall,
        ...(drain === null ? {} : { acceptedRate: result.events / result.seconds, drainSec: drain.seconds }),
        requestsPerSec: result.requests / result.seconds,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        cpuPer1k: result.events === 0 ? Number.NaN : (cpu / result.events) * 1000,
        cpuCores: cpu / wall,
        loadgenCores: result.cpuSec / result.seconds,
        peakRssMB: after.maxRssMB,
        errors: result.errors,
        load1: startLoad,
        ...(freshness === undefined ? {} : { freshness }),
        ...(result.errorSample === undefined ? {} : { note: result.errorSample }),
      }
      if (result.errors > 0 && result.errorSample !== undefined) console.error(`    ${opts.name}: ${result.errors} errors, first: ${result.errorSample}`)
      if (result.duplicates > 0) console.error(`    ${opts.name}: ${result.duplicates} events answered duplicate (ids must be unique)`)
      return m
    },
  }
}
