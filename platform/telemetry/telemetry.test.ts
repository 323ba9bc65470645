import { describe, expect, it } from 'vitest'
import { createTelemetry } from './telemetry.ts'

describe('telemetry registry', () => {
  it('renders counters, gauges and histograms in Prometheus text format', async () => {
    const registry = createTelemetry()
    const events = registry.counter('tally_events_total', 'Events by outcome.', ['outcome'])
    events.inc({ outcome: 'accepted' }, 3)
    events.inc({ outcome: 'accepted' })
    events.inc({ outcome: 'rejected' })
    const lag = registry.gauge('tally_lag', 'Lag.', ['partition'])
    lag.set({ partition: '0' }, 7)
    lag.set({ partition: '1' }, 2)
    lag.remove({ partition: '1' })
    const latency = registry.histogram('tally_latency_seconds', 'Latency.', [0.01, 0.1])
    latency.observe({}, 0.005)
    latency.observe({}, 0.05)
    latency.observe({}, 2)
    const text = await registry.render()
    // 0.005 + 0.05 + 2 = 2.055; each bucket counts the observations at or under its bound.
    for (const block of [
      [
        '# HELP tally_events_total Events by outcome.',
        '# TYPE tally_events_total counter',
        'tally_events_total{outcome="accepted"} 4',
        'tally_events_total{outcome="rejected"} 1',
      ],
      ['# HELP tally_lag Lag.', '# TYPE tally_lag gauge', 'tally_lag{partition="0"} 7', ''],
      [
        '# HELP tally_latency_seconds Latency.',
        '# TYPE tally_latency_seconds histogram',
        'tally_latency_seconds_bucket{le="0.01"} 1',
        'tally_latency_seconds_bucket{le="0.1"} 2',
        'tally_latency_seconds_bucket{le="+Inf"} 3',
        'tally_latency_seconds_sum 2.055',
        'tally_latency_seconds_count 3',
      ],
    ]) {
      expect(text).toContain(block.join('\n'))
    }
  })

  it("carries prom-client's process, GC and event-loop metrics", async () => {
    const text = await createTelemetry().render()
    expect(text).toMatch(/^process_cpu_user_seconds_total \d+(\.\d+)?$/m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d+(\.\d+)?(e-\d+)?$/m)
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram')
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m)
  })

  it('keeps each registry apart: nothing goes to a process-wide default', async () => {
    const a = createTelemetry()
    const b = createTelemetry()
    a.counter('tally_apart_total', 'A.').inc({}, 2)
    b.counter('tally_apart_total', 'B.').inc({}, 5)
    expect(await a.render()).toContain('tally_apart_total 2\n')
    expect(await b.render()).toContain('tally_apart_total 5\n')
  })

  it('returns the same family when registered twice and escapes label values', async () => {
    const registry = createTelemetry()
    registry.counter('c_total', 'C.', ['path']).inc({ path: 'a"b\\c' })
    registry.counter('c_total', 'C.', ['path']).inc({ path: 'a"b\\c' })
    expect(await registry.render()).toContain('c_total{path="a\\"b\\\\c"} 2')
    expect(() => registry.gauge('c_total', 'C.')).toThrow(/different types/)
  })
})
