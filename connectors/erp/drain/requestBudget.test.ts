import { describe, expect, it } from 'vitest'
import { createRequestBudget, type BudgetTime } from './requestBudget.ts'
import { retryDelayMs } from './retryDelay.ts'

/** Time that moves only when someone sleeps: what the budget waits is read off it exactly. */
function steppedTime(): BudgetTime & { slept: number[] } {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}

describe('request budget', () => {
  it('lets requestsPerMinute go at once, then the next when the oldest leaves the rolling minute', async () => {
    const time = steppedTime()
    const budget = createRequestBudget({ requestsPerMinute: 3, concurrency: 10 }, time)
    for (let i = 0; i < 3; i++) (await budget.acquire())()
    expect(time.slept).toEqual([])
    ;(await budget.acquire())()
    expect(time.slept).toEqual([60_000])
    expect(time.now()).toBe(60_000)
  })

  it('holds at most `concurrency` in flight', async () => {
    const budget = createRequestBudget({ requestsPerMinute: 100, concurrency: 2 }, steppedTime())
    const first = await budget.acquire()
    await budget.acquire()
    let third = false
    const waiting = budget.acquire().then(() => (third = true))
    await Promise.resolve()
    expect(third).toBe(false)
    first()
    await waiting
    expect(third).toBe(true)
  })
})

describe('retry delay', () => {
  it('honours Retry-After, floored at 1 s; otherwise doubles from 1 s with equal jitter, capped at 30 min', () => {
    expect(retryDelayMs({ attempts: 1, afterMs: 7_000, random: () => 0.5 })).toBe(7_000)
    expect(retryDelayMs({ attempts: 1, afterMs: 0, random: () => 0.5 })).toBe(1_000)
    expect([1, 2, 3].map((attempts) => retryDelayMs({ attempts, afterMs: null, random: () => 0 }))).toEqual([500, 1_000, 2_000])
    expect(retryDelayMs({ attempts: 3, afterMs: null, random: () => 0.999 })).toBe(3_998)
    expect(retryDelayMs({ attempts: 40, afterMs: null, random: () => 1 })).toBe(1_800_000)
  })
})
