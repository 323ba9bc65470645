// Stage 4 (DESIGN P4): metering's flush into ClickHouse with the rollup views ÷ a plain
// insert of the same rows and batch size. Runs in its own process (chDB: one data dir each).
import { forkChild } from './childProcess.ts'
import { load1, runPaired, type RunMetrics, type Side } from './compare.ts'
import type { Stage } from './stages.ts'

export const writerStage: Stage = {
  id: '4',
  title: 'Metering drain batch into ClickHouse (dedup lookup, intent, rollup views) vs a plain insert of the same rows',
  async run(ctx) {
    const { opts } = ctx
    const child = await forkChild('writerChild.ts', [String(opts.writerBatchRows), String(opts.customers)], {
      verbose: opts.verbose,
      ...(ctx.profDir('4') === undefined ? {} : { cpuProfDir: ctx.profDir('4')! }),
    })
    const stored: Record<string, number> = {}
    const lookupShares: number[] = []
    const side = (name: string, key: 'plain' | 'writer'): Side => ({
      name,
      async run(round, warmup) {
        const startLoad = load1()
        const r = await child.ask<{
          rows: number
          rate: number
          busySec: number
          p50Ms: number
          p99Ms: number
          cpuSec: number
          peakRssMB: number
          stored: number
          lookupShare: number
        }>({
          type: 'run',
          side: key,
          durationMs: (warmup ? opts.warmupSec : opts.durationSec) * 1000,
        })
        stored[key] = r.stored
        const m: RunMetrics = {
          side: name,
          round,
          rate: r.rate,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          cpuPer1k: (r.cpuSec / r.rows) * 1000,
          cpuCores: r.cpuSec / r.busySec,
          peakRssMB: r.peakRssMB,
          errors: 0,
          load1: startLoad,
          ...(key === 'writer' ? { note: `dedup lookup ≈ ${(r.lookupShare * 100).toFixed(0)}% of the CPU` } : {}),
        }
        if (key === 'writer') lookupShares.push(r.lookupShare)
        return m
      },
    })
    try {
      const cmp = await runPaired({
        id: '4',
        title: `${opts.writerBatchRows}-row batches: dedup lookup + intent + insert (projection, rollup views) ÷ plain insert`,
        ratioOf: 'writer with views ÷ plain insert',
        unit: 'rows/s',
        rounds: opts.rounds,
        log: ctx.log,
        baseline: side('plain INSERT into a copy of events without views (JSONCompactEachRow, as the drain)', 'plain'),
        tally: side('drain slot batch: lookup in events + intent + INSERT events → feed → 2 rollup views', 'writer'),
      })
      return {
        comparisons: [cmp],
        notes: [
          `ClickHouse ${String(child.ready.clickhouse)} (chDB, in-process); rate = rows ÷ time spent inside the insert calls, CPU = the process's CPU inside them (row generation and the lookup run apart excluded); rows stored at the end: ${stored.writer ?? 0} through the writer, ${stored.plain ?? 0} plain. The dedup lookup reads the projection of the events stored so far (within the dedup window), so later rounds pay for more stored ids. The lookup of each batch's ids, run alone just before the batch (none stored yet, as in the batch), took ${lookupShares.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')} of the batch's CPU per run.`,
        ],
      }
    } finally {
      await child.stop()
    }
  },
}
