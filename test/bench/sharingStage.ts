// Stage 9 (issue 11, noisy neighbour): how long ingest and another organisation wait behind one
// organisation's previews on the embedded engine, the queue as it was ("fifo") against the
// queue as it is ("fair"), alternating per round. See sharingChild.ts for the scenarios.
// Latencies, not rates: the figure is the median wait and the ratio fifo ÷ fair.
import { forkChild } from './childProcess.ts'
import { load1 } from './compare.ts'
import type { Stage } from './stages.ts'
import { fmt, summarize } from './stats.ts'

interface IngestRound {
  /** The longest single write while the preview ran. */
  writeMs: number
  writes: number
  previewMs: number
  previewOutcome: string
}
interface BacklogRound {
  aloneMs: number
  behindBacklogMs: number
  backlogDoneMs: number
  outcomes: string[]
}

const MODES = ['fifo', 'fair'] as const

export const sharingStage: Stage = {
  id: '9',
  title: "Sharing the embedded engine: ingest and another organisation's preview behind one organisation's previews",
  async run(ctx) {
    const child = await forkChild('sharingChild.ts', [], { verbose: ctx.opts.verbose })
    const ready = child.ready as { clickhouse: string; backlogSide: number; backlogPreviewMs: number }
    const ingest: Record<string, IngestRound[]> = { fifo: [], fair: [] }
    const backlog: Record<string, BacklogRound[]> = { fifo: [], fair: [] }
    const loads: number[] = []
    try {
      for (let round = 1; round <= ctx.opts.rounds; round++) {
        // A B, B A, …: drift of the shared machine hits both sides.
        const order = round % 2 === 1 ? MODES : [...MODES].reverse()
        for (const mode of order) {
          loads.push(load1())
          const i = await child.ask<IngestRound>({ type: 'ingest', mode })
          ingest[mode]!.push(i)
          const b = await child.ask<BacklogRound>({ type: 'backlog', mode })
          backlog[mode]!.push(b)
          ctx.log(
            `  round ${round} ${mode}: longest of ${i.writes} ingest writes ${fmt(i.writeMs)} ms during a preview that held ${fmt(i.previewMs)} ms (${i.previewOutcome}); org B preview ${fmt(b.behindBacklogMs)} ms behind 10 of org A's (${fmt(b.aloneMs)} ms alone)`,
          )
        }
      }
    } finally {
      await child.stop()
    }
    const med = (xs: number[]) => summarize(xs).median
    const line = (what: string, pick: (mode: string) => number[]) => {
      const [fifo, fair] = [med(pick('fifo')), med(pick('fair'))]
      return `${what}: fifo ${fmt(fifo)} ms, fair ${fmt(fair)} ms (median of ${ctx.opts.rounds}; fifo ÷ fair ${(fifo / fair).toFixed(1)}×)`
    }
    return {
      comparisons: [],
      notes: [
        line("the longest single-event ingest write (one every 250 ms) during another organisation's runaway preview", (m) => ingest[m]!.map((r) => r.writeMs)),
        line('how long that preview held the engine before its limit stopped it', (m) => ingest[m]!.map((r) => r.previewMs)),
        line("org B's one-customer preview queued behind 10 of org A's ~1 s previews", (m) => backlog[m]!.map((r) => r.behindBacklogMs)),
        line("org B's same preview alone", (m) => backlog[m]!.map((r) => r.aloneMs)),
        line("org A's 10th preview done", (m) => backlog[m]!.map((r) => r.backlogDoneMs)),
        `org A's backlog template: a ${fmt(ready.backlogSide)}² cross join, ${fmt(ready.backlogPreviewMs)} ms per preview alone; ClickHouse ${ready.clickhouse}; load average at round starts ${fmt(med(loads))} (median).`,
      ],
    }
  },
}
