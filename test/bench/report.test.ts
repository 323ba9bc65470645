import { describe, expect, it } from 'vitest'
import type { Comparison, SideSummary } from './compare.ts'
import { designTargets, type BenchReport, type StageReport } from './report.ts'
import type { Spread } from './stats.ts'

const spread = (median: number): Spread => ({ median, min: median, max: median, spreadPct: 0, n: 3 })

function side(name: string, rate: number, freshnessP99Ms?: number): SideSummary {
  const s = spread(0)
  return {
    side: name,
    rate: spread(rate),
    p50Ms: s,
    p99Ms: s,
    cpuPer1k: s,
    cpuCores: s,
    peakRssMB: 0,
    errors: 0,
    ...(freshnessP99Ms === undefined ? {} : { freshnessP99Ms: spread(freshnessP99Ms) }),
  }
}

function comparison(id: string, ratio: number, tally: SideSummary): Comparison {
  return { id, title: id, ratioOf: id, unit: 'events/s', baseline: side('baseline', 1), tally, ratio: spread(ratio), rounds: [], load1: spread(1) }
}

function report(contracts: number, stages: Array<Pick<StageReport, 'id' | 'comparisons'>>): BenchReport {
  return {
    date: '2026-12-07T14:21:20.000Z',
    command: 'npm run bench',
    options: { contracts } as BenchReport['options'],
    machine: { nproc: 2, cpuModel: 'AMD EPYC', ramGB: 24, os: 'linux', node: 'v20.20.2', versions: {}, loadAtStart: [1, 1, 1] },
    stages: stages.map((s) => ({ ...s, title: s.id, seconds: 1, notes: [] })),
  }
}

const row = (rep: BenchReport, id: string, what: string) => designTargets(rep).find((r) => r.id === id && r.what.includes(what))

describe('the DESIGN targets table of a bench run', () => {
  // Figures of real runs (docs/benchmarks.md): stage 11 at 14:21 on 2026-12-07, stage 4's 0.59 by
  // CPU, stage 8's 100k on the Postgres server (386/s, P7 1.30) and on PGlite (302/s).
  const stage11 = {
    id: '11',
    comparisons: [
      comparison('11a', 14.89, side('embedded, event log, single events', 6137, 183)),
      comparison('11b', 1.72, side('embedded, event log, 100-event batches', 35245, 869)),
    ],
  }

  it('judges each figure by DESIGN.md (P4 ≥ 0.60, P5 ≤ 1 s, P7 ≤ 1.2, P8 ≤ 5 min), not a looser bar', () => {
    const rep = report(100_000, [
      { id: '4', comparisons: [comparison('4', 0.59, side('writer', 1))] },
      { id: '8', comparisons: [comparison('8', 1 / 1.3, side('rating', 386))] },
      stage11,
    ])
    expect(row(rep, 'P4', 'writer')).toMatchObject({ target: '≥ 0.60', met: '**no**' })
    expect(row(rep, 'P7', 'rating')).toMatchObject({ target: '≤ 1.2', measured: expect.stringContaining('1.30') as unknown, met: '**no**' })
    expect(row(rep, 'P8', 'rating')).toMatchObject({ target: '≤ 5 min', met: 'yes' })
    expect(row(report(100_000, [{ id: '8', comparisons: [comparison('8', 0.9, side('rating', 302))] }]), 'P8', 'rating')?.met).toBe('**no**')
  })

  it('reads the embedded end-to-end targets from stage 11 when stage 6 did not run', () => {
    const rep = report(10_000, [stage11])
    expect(row(rep, 'P5', 'embedded end to end, batches')).toMatchObject({ target: '≤ 1 s', measured: '869 ms (869–869) (stage 11b)', met: 'yes' })
    expect(row(rep, 'P5', 'embedded end to end, singles')).toMatchObject({ measured: '183 ms (183–183) (stage 11a)', met: 'yes' })
    expect(row(rep, 'P6', 'embedded single-event')).toMatchObject({ measured: expect.stringContaining('6,137') as unknown, met: '**no**' })
    expect(row(rep, 'P6', 'embedded batched')).toMatchObject({ measured: expect.stringContaining('35,245') as unknown, met: '**no**' })
    expect(row(rep, 'P5', 'Kafka end to end, batches')).toMatchObject({ measured: 'not run', met: '—' })
  })
})
