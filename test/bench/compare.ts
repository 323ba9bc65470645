// Paired measurement: a baseline and Tally run alternately (A B, B A, A B, …) after a
// discarded warm-up round, so slow drift of a shared machine (other jobs, background merges)
// hits both sides alike. The ratio is taken per round, then its median and spread reported.
import { loadavg } from 'node:os'
import { summarize, type Spread } from './stats.ts'

export interface RunMetrics {
  side: string
  round: number
  /** Events (or rows) per second. */
  rate: number
  requestsPerSec?: number
  p50Ms: number
  p99Ms: number
  /** CPU seconds of the process under test per 1,000 events (all its threads). */
  cpuPer1k: number
  /** CPU cores the process under test kept busy (CPU s / wall s). */
  cpuCores: number
  /** CPU cores the load generator used (to tell a server-bound run from a generator-bound one). */
  loadgenCores?: number
  peakRssMB: number
  errors: number
  /** 1-minute load average when the run started. */
  load1: number
  /** End to end: events acknowledged per second during the load (rate then includes the drain). */
  acceptedRate?: number
  /** End to end: seconds after the load until the rollups held every acknowledged event. */
  drainSec?: number
  freshness?: { p50Ms: number; p99Ms: number; maxMs: number; samples: number }
  note?: string
}

export interface SideSummary {
  side: string
  rate: Spread
  p50Ms: Spread
  p99Ms: Spread
  cpuPer1k: Spread
  cpuCores: Spread
  loadgenCores?: Spread
  peakRssMB: number
  errors: number
  freshnessP99Ms?: Spread
  freshnessP50Ms?: Spread
  acceptedRate?: Spread
  drainSec?: Spread
}

export interface Comparison {
  id: string
  title: string
  /** What is divided by what, in words. */
  ratioOf: string
  unit: string
  baseline: SideSummary
  tally: SideSummary
  ratio: Spread
  rounds: RunMetrics[]
  load1: Spread
}

export interface Side {
  name: string
  run(round: number, warmup: boolean): Promise<RunMetrics>
}

export async function runPaired(opts: {
  id: string
  title: string
  ratioOf: string
  unit: string
  rounds: number
  baseline: Side
  tally: Side
  log: (line: string) => void
}): Promise<Comparison> {
  const { baseline, tally, log } = opts
  log(`  warm-up: ${baseline.name}, ${tally.name}`)
  await baseline.run(0, true)
  await tally.run(0, true)
  const rounds: RunMetrics[] = []
  const ratios: number[] = []
  for (let round = 1; round <= opts.rounds; round++) {
    const order = round % 2 === 1 ? [baseline, tally] : [tally, baseline]
    const got: Record<string, RunMetrics> = {}
    for (const side of order) {
      const m = await side.run(round, false)
      got[side.name] = m
      rounds.push(m)
      const fresh =
        (m.freshness === undefined ? '' : `, freshness p99 ${m.freshness.p99Ms.toFixed(0)} ms`) +
        (m.drainSec === undefined ? '' : `, accepted ${(m.acceptedRate ?? 0).toFixed(0)}/s, drained in ${m.drainSec.toFixed(1)} s`)
      log(
        `  round ${round} ${side.name}: ${m.rate.toFixed(0)} ${opts.unit}, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, ${m.cpuPer1k.toFixed(3)} CPU s/1k, ${m.peakRssMB.toFixed(0)} MB, load ${m.load1.toFixed(2)}${fresh}${m.errors > 0 ? `, ${m.errors} errors` : ''}`,
      )
    }
    ratios.push((got[tally.name] as RunMetrics).rate / (got[baseline.name] as RunMetrics).rate)
  }
  const ratio = summarize(ratios)
  log(`  ratio ${opts.ratioOf}: ${ratio.median.toFixed(3)} (${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`)
  return {
    id: opts.id,
    title: opts.title,
    ratioOf: opts.ratioOf,
    unit: opts.unit,
    baseline: summarizeSide(baseline.name, rounds),
    tally: summarizeSide(tally.name, rounds),
    ratio,
    rounds,
    load1: summarize(rounds.map((r) => r.load1)),
  }
}

function summarizeSide(side: string, all: RunMetrics[]): SideSummary {
  const runs = all.filter((r) => r.side === side)
  const pick = (f: (r: RunMetrics) => number) => summarize(runs.map(f))
  const out: SideSummary = {
    side,
    rate: pick((r) => r.rate),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    cpuPer1k: pick((r) => r.cpuPer1k),
    cpuCores: pick((r) => r.cpuCores),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  }
  if (runs.some((r) => r.loadgenCores !== undefined)) out.loadgenCores = pick((r) => r.loadgenCores ?? Number.NaN)
  if (runs.some((r) => r.drainSec !== undefined)) {
    out.acceptedRate = pick((r) => r.acceptedRate ?? Number.NaN)
    out.drainSec = pick((r) => r.drainSec ?? Number.NaN)
  }
  if (runs.some((r) => r.freshness !== undefined)) {
    out.freshnessP99Ms = pick((r) => r.freshness?.p99Ms ?? Number.NaN)
    out.freshnessP50Ms = pick((r) => r.freshness?.p50Ms ?? Number.NaN)
  }
  return out
}

export function load1(): number {
  return loadavg()[0] ?? Number.NaN
}
