// Stage 8 (DESIGN P7, P8): the rating job over N contracts against its own metric queries and
// ledger calls. Both sides come from the same run (see ratingChild.ts), so the "baseline"
// rate is contracts ÷ (queries alone + ledger time) and the ratio is the inverse of P7. The
// run's wall time is split into queries, pricing, ledger and other (timedLedger.ts).
import { forkChild } from './childProcess.ts'
import { load1, type Comparison, type RunMetrics } from './compare.ts'
import type { Stage } from './stages.ts'
import { PER_CUSTOMER_MAX, type MetricFormTimes } from './metricForms.ts'
import { summarize } from './stats.ts'
import { formatPhase, type PhaseMemory } from './memoryPhases.ts'
import { formatLedgerIo, type LedgerIo } from './ledgerIo.ts'

interface RatingRound {
  contracts: number
  rated: number
  metricRuns: number
  skipped: number
  invoices: Record<string, number>
  wallSec: number
  queriesInRunSec: number
  queriesAloneSec: number
  /** Inside repository calls, pricing excluded. */
  ledgerSec: number
  /** Inside the chunks' transaction callbacks: pricing the contracts (writes held in memory). */
  pricingSec: number
  setupSec: number
  cpuSec: number
  /** The process's, setup and metric forms included. */
  peakRssMB: number
  /** During runRating alone. */
  runPeakRssMB: number
  forms: MetricFormTimes
  /** Peak RSS and heap of each phase of the round (memoryPhases.ts); the first round also has the opening of chDB and the ledger. */
  memory: PhaseMemory[]
  /** The ledger's page reads, writes and WAL during runRating (ledgerIo.ts). */
  io: LedgerIo
  /** Page reads per 1,000 contracts over the run's first fifth and its last (contracts done). */
  pageReadsPer1kEarly: number
  pageReadsPer1kLate: number
}

/** The ledger stage 8 rates into: PGlite (embedded), or with TALLY_BENCH_LEDGER=postgres a throwaway database on the machine's server. */
export function ratingLedger(): 'pglite' | 'postgres' {
  return process.env.TALLY_BENCH_LEDGER === 'postgres' ? 'postgres' : 'pglite'
}

const med = (xs: number[]) => summarize(xs).median.toFixed(2)
/** What the run spends outside queries, pricing and ledger calls (paging, schedules, plans). */
const otherSec = (r: RatingRound) => r.wallSec - r.queriesInRunSec - r.pricingSec - r.ledgerSec
const split = (r: RatingRound) =>
  `queries ${r.queriesInRunSec.toFixed(1)} s / pricing ${r.pricingSec.toFixed(1)} s / ledger ${r.ledgerSec.toFixed(1)} s / other ${otherSec(r).toFixed(1)} s`
/** Per-round ratio of the forms, median (min–max). */
function ratio(raw: RatingRound[], f: (forms: MetricFormTimes) => number): string {
  const s = summarize(raw.map((r) => f(r.forms)))
  return `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`
}

/** The per-customer form's time and how much faster the others are; skipped above PER_CUSTOMER_MAX customers. */
function perCustomerForm(raw: RatingRound[]): string {
  const perCustomer = (f: MetricFormTimes) => f.perCustomerSec ?? Number.NaN
  if (raw.some((r) => r.forms.perCustomerSec === null)) return `per customer not run (over ${PER_CUSTOMER_MAX} customers), `
  return `per customer (100 copies a statement, the form before issue 20) ${med(raw.map((r) => perCustomer(r.forms)))} s (grouped ${ratio(raw, (f) => perCustomer(f) / f.groupedSec)}× and rollups ${ratio(raw, (f) => perCustomer(f) / f.rollupsSec)}× faster), `
}

/** NaN crosses the child's IPC as null. */
const orNaN = (x: number | null) => x ?? Number.NaN
const ioLine = (r: RatingRound) => {
  const early = orNaN(r.pageReadsPer1kEarly)
  const late = orNaN(r.pageReadsPer1kLate)
  const growth =
    Number.isNaN(early) || Number.isNaN(late)
      ? ''
      : `; page reads per 1,000 contracts in the run's first fifth ${early.toFixed(0)}, last fifth ${late.toFixed(0)}`
  return `${formatLedgerIo(r.io, r.contracts)}${growth}`
}

export const ratingStage: Stage = {
  id: '8',
  title: 'Rating job: contracts/s, and its wall time against its metric queries and ledger calls alone',
  async run(ctx) {
    const { opts } = ctx
    const child = await forkChild('ratingChild.ts', [String(opts.contracts)], {
      verbose: opts.verbose,
      ...(ctx.profDir('8') === undefined ? {} : { cpuProfDir: ctx.profDir('8')! }),
    })
    const rounds: RunMetrics[] = []
    const raw: RatingRound[] = []
    try {
      for (let round = 1; round <= opts.rounds; round++) {
        const startLoad = load1()
        const r = await child.ask<RatingRound>({ type: 'run' })
        raw.push(r)
        const alone = r.queriesAloneSec + r.ledgerSec
        for (const m of r.memory) ctx.log(`    memory, ${formatPhase(m)}`)
        ctx.log(`    ${ioLine(r)}`)
        ctx.log(
          `  round ${round}: ${r.contracts} contracts in ${r.wallSec.toFixed(1)} s (${(r.contracts / r.wallSec).toFixed(0)}/s); ${split(r)}; queries alone ${r.queriesAloneSec.toFixed(1)} s; wall ÷ alone ${(r.wallSec / alone).toFixed(2)}; setup ${r.setupSec.toFixed(0)} s; load ${startLoad.toFixed(2)}; peak RSS ${r.peakRssMB.toFixed(0)} MB (the rating run ${r.runPeakRssMB.toFixed(0)} MB); metric run alone per customer ${r.forms.perCustomerSec === null ? 'not run' : `${r.forms.perCustomerSec.toFixed(2)} s`}, grouped ${r.forms.groupedSec.toFixed(2)} s, rollups ${r.forms.rollupsSec.toFixed(2)} s`,
        )
        const common = { round, p50Ms: Number.NaN, p99Ms: Number.NaN, peakRssMB: r.peakRssMB, errors: r.skipped, load1: startLoad }
        rounds.push({ ...common, side: 'metric queries alone + ledger calls', rate: r.contracts / alone, cpuPer1k: Number.NaN, cpuCores: Number.NaN })
        rounds.push({
          ...common,
          side: 'rating job (runRating)',
          rate: r.contracts / r.wallSec,
          cpuPer1k: (r.cpuSec / r.contracts) * 1000,
          cpuCores: r.cpuSec / r.wallSec,
        })
      }
    } finally {
      await child.stop()
    }
    const side = (name: string) => {
      const runs = rounds.filter((r) => r.side === name)
      const pick = (f: (r: RunMetrics) => number) => summarize(runs.map(f))
      return {
        side: name,
        rate: pick((r) => r.rate),
        p50Ms: pick((r) => r.p50Ms),
        p99Ms: pick((r) => r.p99Ms),
        cpuPer1k: pick((r) => r.cpuPer1k),
        cpuCores: pick((r) => r.cpuCores),
        peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
        errors: 0,
      }
    }
    const cmp: Comparison = {
      id: '8',
      title: `rating ${opts.contracts} contracts (chDB + ${ratingLedger() === 'postgres' ? 'the Postgres server' : 'PGlite'})`,
      ratioOf: 'rating job ÷ (its queries + ledger calls alone)',
      unit: 'contracts/s',
      baseline: side('metric queries alone + ledger calls'),
      tally: side('rating job (runRating)'),
      ratio: summarize(raw.map((r) => (r.queriesAloneSec + r.ledgerSec) / r.wallSec)),
      rounds,
      load1: summarize(rounds.map((r) => r.load1)),
    }
    const perSec = summarize(raw.map((r) => r.contracts / r.wallSec)).median
    const first = raw[0]
    return {
      comparisons: [cmp],
      notes: [
        `${opts.contracts} contracts per round (a fresh organisation each), one customer each, fee in advance + tiered API calls in arrears, ${20} events per customer; each run creates ${first?.invoices.created ?? '?'} invoices and finalizes ${first?.invoices.finalized ?? '?'}, in ${first?.metricRuns ?? '?'} metric run(s). Setup (customers, contracts, events) ${first?.setupSec.toFixed(0) ?? '?'} s per round, not timed.`,
        `Time split, median over rounds: metric queries ${med(raw.map((r) => r.queriesInRunSec))} s in the run (${med(raw.map((r) => r.queriesAloneSec))} s replayed alone), pricing ${med(raw.map((r) => r.pricingSec))} s (inside the chunks' transactions, writes held), ledger calls ${med(raw.map((r) => r.ledgerSec))} s (pricing excluded), other ${med(raw.map(otherSec))} s (paging, schedules, invoice plans), wall ${med(raw.map((r) => r.wallSec))} s; pricing ${med(raw.map((r) => (r.pricingSec / r.contracts) * 1e6))} µs per contract.`,
        `Metric run alone, ${first?.forms.customers ?? '?'} customers, one period, same run (sql/metricQuantities.ts; all three forms return the same quantities), median over rounds: ${perCustomerForm(raw)}grouped ${med(raw.map((r) => r.forms.groupedSec))} s, rollups ${med(raw.map((r) => r.forms.rollupsSec))} s; the job's builder COUNT metric runs on the rollups.`,
        `Ledger I/O in the rating run, round by round (ledgerIo.ts): ${raw.map(ioLine).join(' | ')}.`,
        `P8: 100,000 contracts at ${perSec.toFixed(0)} contracts/s ≈ ${(100_000 / perSec / 60).toFixed(0)} minutes (${opts.contracts >= 100_000 ? `measured on ${opts.contracts} a round` : `extrapolated linearly from ${opts.contracts} a round`}; the job pages 5,000 contracts at a time with one metric run per page); CPU ${med(raw.map((r) => (r.cpuSec / r.contracts) * 1000))} s per 1,000 contracts (all threads), peak RSS ${Math.max(...raw.map((r) => r.peakRssMB)).toFixed(0)} MB (setup and metric forms included; during the rating run ${Math.max(...raw.map((r) => r.runPeakRssMB)).toFixed(0)} MB).`,
      ],
    }
  },
}
