// Stage 7: metric queries over N generated events, as events covered per second, against a
// plain sum() over the same table. One process, one chDB (generated once per run).
import { forkChild } from './childProcess.ts'
import { load1, runPaired, type Comparison, type RunMetrics, type Side } from './compare.ts'
import type { Stage } from './stages.ts'
import { fmt } from './stats.ts'

export const queryStage: Stage = {
  id: '7',
  title: 'Metric queries over generated events vs a plain sum() over the same table',
  async run(ctx) {
    const { opts } = ctx
    ctx.log(`  generating ${fmt(opts.queryEvents)} events through events and its views…`)
    const child = await forkChild('queryChild.ts', [String(opts.queryEvents)], {
      verbose: opts.verbose,
      ...(ctx.profDir('7') === undefined ? {} : { cpuProfDir: ctx.profDir('7')! }),
    })
    const ready = child.ready as { clickhouse: string; events: number; generateSec: number; generateCpu: number; diskMB: number }
    ctx.log(
      `  generated ${fmt(ready.events)} events in ${ready.generateSec.toFixed(0)} s (${fmt(ready.events / ready.generateSec)} rows/s through events and usage_hour), ${fmt(ready.diskMB)} MB on disk`,
    )
    const answers: Record<string, string> = {}
    const side = (name: string, key: string): Side => ({
      name,
      async run(round, warmup) {
        const startLoad = load1()
        const r = await child.ask<{
          queries: number
          rate: number
          busySec: number
          p50Ms: number
          p99Ms: number
          cpuSec: number
          peakRssMB: number
          answers: Record<string, string>
        }>({
          type: 'run',
          side: key,
          durationMs: (warmup ? 0 : opts.durationSec) * 1000,
        })
        Object.assign(answers, r.answers)
        const m: RunMetrics = {
          side: name,
          round,
          rate: r.rate,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          cpuPer1k: r.cpuSec / ((ready.events * r.queries) / 1000),
          cpuCores: r.cpuSec / r.busySec,
          peakRssMB: r.peakRssMB,
          errors: 0,
          load1: startLoad,
        }
        return m
      },
    })
    try {
      const comparisons: Comparison[] = []
      const plain = side(`plain sum() over all ${fmt(ready.events)} events`, 'plain')
      comparisons.push(
        await runPaired({
          id: '7',
          title: `${fmt(ready.events)} events: billable metric for 1,000 customers (sql/metricQuantities) ÷ plain sum()`,
          ratioOf: 'metric query ÷ plain sum()',
          unit: 'events/s',
          rounds: opts.rounds,
          log: ctx.log,
          baseline: plain,
          tally: side('metricQuantities: SUM(tokens), 1,000 customers, 30 days', 'metric'),
        }),
      )
      comparisons.push(
        await runPaired({
          id: '7b',
          title: `${fmt(ready.events)} events: the same quantity from the rollups ÷ plain sum()`,
          ratioOf: 'rollup query ÷ plain sum()',
          unit: 'events/s',
          rounds: opts.rounds,
          log: ctx.log,
          baseline: plain,
          tally: side('usage_hour rollup: sumMerge per customer, 30 days', 'rollups'),
        }),
      )
      const agree = answers.plain === answers.metric && answers.plain === answers.rollups
      return {
        comparisons,
        notes: [
          `${fmt(ready.events)} events generated in ${ready.generateSec.toFixed(0)} s through events and usage_hour (the minute view detached while generating: spread over 30 days it costs ~23 µs CPU per event, 7× the hour view) (${fmt(ready.events / ready.generateSec)} rows/s, ${fmt(ready.generateCpu)} CPU s), ${fmt(ready.diskMB)} MB on disk; ClickHouse ${ready.clickhouse}.`,
          `"events/s" = events the query answers for ÷ query time. CPU s/1k is per 1,000 events covered. Totals ${agree ? 'agree' : '**differ**'}: plain ${answers.plain}, metric ${answers.metric}, rollups ${answers.rollups}.`,
        ],
      }
    } finally {
      await child.stop()
    }
  },
}
