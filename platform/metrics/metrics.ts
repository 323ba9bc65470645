// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format (version 0.0.4) for `GET /metrics`. One registry per process,
// built by the composition root and passed down; nothing here is a module singleton.

export type Labels = Record<string, string>

interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  render(): string[]
}

export interface Counter {
  inc(labels?: Labels, by?: number): void
}

export interface Gauge {
  set(labels: Labels, value: number): void
  /** Drops a labelled series (a partition this worker no longer owns). */
  remove(labels: Labels): void
}

export interface Histogram {
  observe(labels: Labels, value: number): void
}

export interface MetricsRegistry {
  counter(name: string, help: string): Counter
  gauge(name: string, help: string): Gauge
  /** `buckets` are upper bounds in the metric's unit, ascending; `+Inf` is added. */
  histogram(name: string, help: string, buckets: number[]): Histogram
  /** The whole registry in Prometheus text format. */
  render(): string
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Seconds buckets for latencies from 1 ms to 30 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
/** Buckets for batch sizes (rows or messages). */
export const SIZE_BUCKETS = [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000]

export function createMetricsRegistry(): MetricsRegistry {
  const families = new Map<string, Family>()

  function register<F extends Family>(family: F): F {
    const existing = families.get(family.name)
    if (existing !== undefined) {
      if (existing.type !== family.type) throw new Error(`metric ${family.name} registered twice with different types`)
      return existing as F
    }
    families.set(family.name, family)
    return family
  }

  return {
    counter(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>()
      return register({
        name,
        help,
        type: 'counter',
        inc(labels: Labels = {}, by = 1) {
          const key = labelKey(labels)
          const entry = values.get(key)
          if (entry === undefined) values.set(key, { labels, value: by })
          else entry.value += by
        },
        render: () => [...values.values()].map((v) => `${name}${formatLabels(v.labels)} ${v.value}`),
      })
    },
    gauge(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>()
      return register({
        name,
        help,
        type: 'gauge',
        set(labels: Labels, value: number) {
          values.set(labelKey(labels), { labels, value })
        },
        remove(labels: Labels) {
          values.delete(labelKey(labels))
        },
        render: () => [...values.values()].map((v) => `${name}${formatLabels(v.labels)} ${v.value}`),
      })
    },
    histogram(name, help, buckets) {
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>()
      return register({
        name,
        help,
        type: 'histogram',
        observe(labels: Labels, value: number) {
          const key = labelKey(labels)
          let s = series.get(key)
          if (s === undefined) {
            s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 }
            series.set(key, s)
          }
          for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) s.counts[i]!++
          s.sum += value
          s.count++
        },
        render: () =>
          [...series.values()].flatMap((s) => [
            ...buckets.map((b, i) => `${name}_bucket${formatLabels({ ...s.labels, le: String(b) })} ${s.counts[i]}`),
            `${name}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.count}`,
            `${name}_sum${formatLabels(s.labels)} ${s.sum}`,
            `${name}_count${formatLabels(s.labels)} ${s.count}`,
          ]),
      })
    },
    render() {
      const lines: string[] = []
      for (const f of families.values()) {
        lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`, ...f.render())
      }
      return lines.join('\n') + '\n'
    },
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001')
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  const escaped = keys.map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
  return `{${escaped.join(',')}}`
}
