// Stage 8's time split (ratingChild.ts): the ledger with every repository method timed. The
// rating job prices each chunk of contracts inside the callback of `invoiceDrafts.withContractLocks`
// (`withContractLock` on the fallback path), whose sessions only hold their writes in memory, so
// the time inside those callbacks is the pricing, and the rest of the time inside repository calls
// is the ledger's (locks, reads, the chunk's multi-row writes and postings).
import type { Ledger } from '../../ledger/ledger.ts'

export interface LedgerTimes {
  /** Inside repository calls, the pricing callbacks included. */
  ms: number
  /** Inside the callbacks of withContractLocks / withContractLock: pricing the contracts. */
  pricingMs: number
  /** Contracts whose chunk (withContractLocks) or single lock (withContractLock) has been written. */
  contractsWritten?: number
}

const PRICING_CALLBACKS = new Set<PropertyKey>(['withContractLocks', 'withContractLock'])

/** Wraps every method of every repository so the time spent inside them is summed into `acc`. */
export function timedLedger(ledger: Ledger, acc: LedgerTimes): Ledger {
  let depth = 0
  const timedCallback =
    (fn: (...a: unknown[]) => unknown) =>
    async (...a: unknown[]): Promise<unknown> => {
      const t = performance.now()
      try {
        return await fn(...a)
      } finally {
        acc.pricingMs += performance.now() - t
      }
    }
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          const last = args.at(-1)
          if (PRICING_CALLBACKS.has(prop) && typeof last === 'function') args[args.length - 1] = timedCallback(last as (...a: unknown[]) => unknown)
          const outer = depth++ === 0
          const t = performance.now()
          const written = prop === 'withContractLocks' && Array.isArray(args[0]) ? args[0].length : prop === 'withContractLock' ? 1 : 0
          const done = () => {
            depth--
            if (outer) acc.ms += performance.now() - t
            if (written > 0) acc.contractsWritten = (acc.contractsWritten ?? 0) + written
          }
          try {
            const r: unknown = value.apply(target, args)
            if (r instanceof Promise) return r.finally(done)
            done()
            return r
          } catch (err) {
            done()
            throw err
          }
        }
      },
    })
  return Object.fromEntries(Object.entries(ledger).map(([k, repo]) => [k, wrap(repo as object)])) as unknown as Ledger
}
