// Summaries of repeated measurements. Every figure the benchmark reports is a median over
// rounds with its spread, never one run: the machine is shared, so one run proves little.

export interface Spread {
  median: number
  min: number
  max: number
  /** (max - min) / median, in percent: how far apart the rounds were. */
  spreadPct: number
  n: number
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number
}

/** The median of the finite values (the mean of the two middle ones for an even count); NaN when there is none. */
export function median(values: readonly number[]): number {
  return summarize(values).median
}

export function summarize(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, spreadPct: Number.NaN, n: 0 }
  const mid = finite.length >> 1
  const median = finite.length % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2
  const min = finite[0] as number
  const max = finite[finite.length - 1] as number
  return { median, min, max, spreadPct: median === 0 ? 0 : ((max - min) / median) * 100, n: finite.length }
}

/** A number with about three significant digits, thousands separated: 12,300 / 45.6 / 0.0123. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a'
  const abs = Math.abs(value)
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US')
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(3)
}

export function fmtSpread(s: Spread): string {
  if (s.n === 0) return 'n/a'
  return `${fmt(s.median)} (±${s.spreadPct.toFixed(0)}%)`
}
