// Telemetry: the Prometheus series served at `GET /metrics`, on prom-client: one `Registry` per process, built by
// the composition root and passed down (never prom-client's global default registry, so two
// apps in one test process keep their counts apart). Each registry also carries prom-client's
// default metrics: process CPU and memory, GC pauses, event-loop lag.

import { collectDefaultMetrics, Counter, Gauge, Histogram, prometheusContentType, Registry } from 'prom-client'

export interface Telemetry {
  /** Label names are fixed at registration; `inc` with another label is a type error. */
  counter<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>
  gauge<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>
  /** `buckets` are upper bounds in the metric's unit, ascending; `+Inf` is added. */
  histogram<L extends string = never>(name: string, help: string, buckets: number[], labelNames?: readonly L[]): Histogram<L>
  /** The whole registry in Prometheus text format. */
  render(): Promise<string>
}

export const PROMETHEUS_CONTENT_TYPE = prometheusContentType

/** Seconds buckets for latencies from 1 ms to 30 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
/** Buckets for batch sizes (rows or messages). */
export const SIZE_BUCKETS = [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000]

type Kind = typeof Counter | typeof Gauge | typeof Histogram

export function createTelemetry(): Telemetry {
  const register = new Registry()
  collectDefaultMetrics({ register })

  // A second registration of a name (a metering worker rebuilt on the same registry) gets the
  // first one back, as one family must: prom-client itself would throw.
  function existing<M>(name: string, kind: Kind): M | undefined {
    const found = register.getSingleMetric(name)
    if (found === undefined) return undefined
    if (!(found instanceof kind)) throw new Error(`metric ${name} registered twice with different types`)
    return found as M
  }

  return {
    counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) {
      return existing<Counter<L>>(name, Counter) ?? new Counter<L>({ name, help, labelNames, registers: [register] })
    },
    gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) {
      return existing<Gauge<L>>(name, Gauge) ?? new Gauge<L>({ name, help, labelNames, registers: [register] })
    },
    histogram<L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) {
      return existing<Histogram<L>>(name, Histogram) ?? new Histogram<L>({ name, help, buckets, labelNames, registers: [register] })
    },
    render: () => register.metrics(),
  }
}
