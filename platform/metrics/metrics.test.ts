import { describe, expect, it } from 'vitest'
import { createMetricsRegistry } from './metrics.ts'

describe('metrics registry', () => {
  it('renders counters, gauges and histograms in Prometheus text format', () => {
    const registry = createMetricsRegistry()
    const events = registry.counter('tally_events_total', 'Events by outcome.')
    events.inc({ outcome: 'accepted' }, 3)
    events.inc({ outcome: 'accepted' })
    events.inc({ outcome: 'rejected' })
    const lag = registry.gauge('tally_lag', 'Lag.')
    lag.set({ partition: '0' }, 7)
    lag.set({ partition: '1' }, 2)
    lag.remove({ partition: '1' })
    const latency = registry.histogram('tally_latency_seconds', 'Latency.', [0.01, 0.1])
    latency.observe({}, 0.005)
    latency.observe({}, 0.05)
    latency.observe({}, 2)
    expect(registry.render()).toBe(
      [
        '# HELP tally_events_total Events by outcome.',
        '# TYPE tally_events_total counter',
        'tally_events_total{outcome="accepted"} 4',
        'tally_events_total{outcome="rejected"} 1',
        '# HELP tally_lag Lag.',
        '# TYPE tally_lag gauge',
        'tally_lag{partition="0"} 7',
        '# HELP tally_latency_seconds Latency.',
        '# TYPE tally_latency_seconds histogram',
        'tally_latency_seconds_bucket{le="0.01"} 1',
        'tally_latency_seconds_bucket{le="0.1"} 2',
        'tally_latency_seconds_bucket{le="+Inf"} 3',
        'tally_latency_seconds_sum 2.055',
        'tally_latency_seconds_count 3',
        '',
      ].join('\n'),
    )
  })

  it('returns the same family when registered twice and escapes label values', () => {
    const registry = createMetricsRegistry()
    registry.counter('c_total', 'C.').inc({ path: 'a"b\\c' })
    registry.counter('c_total', 'C.').inc({ path: 'a"b\\c' })
    expect(registry.render()).toContain('c_total{path="a\\"b\\\\c"} 2')
    expect(() => registry.gauge('c_total', 'C.')).toThrow(/different types/)
  })
})
