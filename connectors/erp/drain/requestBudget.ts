// A connection's request budget: at most `requestsPerMinute` requests in any rolling 60 s and
// at most `concurrency` in flight. The vendors count calls in a rolling minute (Xero: 60 per
// minute per tenant, 5 in flight), so this keeps the start times of the last N requests and
// lets the next one go when the oldest leaves the window. NOTE: a token bucket would allow its
// burst on top of its rate inside one window and earn 429s; this sits at the limit, not over it.
export interface RequestBudget {
  /** Waits for a slot in the window and in flight; call the returned release when the request ends. */
  acquire(signal?: AbortSignal): Promise<() => void>
}

export interface BudgetTime {
  /** Milliseconds, monotonic. */
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

const WINDOW_MS = 60_000

export const realTime: BudgetTime = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
    }),
}

export function createRequestBudget(limits: { requestsPerMinute: number; concurrency: number }, time: BudgetTime = realTime): RequestBudget {
  const starts: number[] = []
  let inFlight = 0
  const waiting: (() => void)[] = []
  const release = () => {
    inFlight--
    waiting.shift()?.()
  }
  return {
    async acquire(signal) {
      while (inFlight >= limits.concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
      inFlight++
      try {
        for (;;) {
          while (starts.length > 0 && time.now() - starts[0]! >= WINDOW_MS) starts.shift()
          if (starts.length < limits.requestsPerMinute) break
          await time.sleep(starts[0]! + WINDOW_MS - time.now(), signal)
        }
      } catch (err) {
        release()
        throw err
      }
      starts.push(time.now())
      return release
    },
  }
}
