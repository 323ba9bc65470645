import { describe, expect, it } from 'vitest'
import { createRunProgressRegistry } from './runProgress.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const OTHER = '0b0c9b47-6a7e-4f43-8f44-3a3c0ad1a111'

describe('rating runs in progress', () => {
  it('answers each run of the organisation with rate and ETA, and forgets it when it ends', () => {
    const registry = createRunProgressRegistry()
    const run = registry.track(ORG)
    expect(registry.current(ORG)).toEqual({ runs: [] })
    // 1,100 of 2,000 contracts in 20 s: 55 contracts/s, 900 left → 16 s (16.36…).
    run.update({ contracts: 2000, invoices: 2200, done: 1100, total: 2000, elapsedMs: 20_000 })
    expect(registry.current(ORG)).toEqual({ runs: [{ done: 1100, total: 2000, invoices: 2200, elapsed_seconds: 20, rate: 55, eta_seconds: 16 }] })
    expect(registry.current(OTHER)).toEqual({ runs: [] })
    run.end()
    expect(registry.current(ORG)).toEqual({ runs: [] })
  })
})
