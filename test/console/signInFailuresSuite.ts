// Failed console sign-ins counted in the ledger (console/signInLimiter.ts over
// ledger/consoleSignInFailures.ts) on each driver: two limiters over one database (two gateways)
// share one budget; the window, the sweep of old rows and a success forgetting the account, by a
// moved clock.
import { describe, expect, it } from 'vitest'
import { createSignInLimiter } from '../../console/signInLimiter.ts'
import { createSignInFailureRows } from '../../ledger/consoleSignInFailures.ts'
import { consoleSignInFailures } from '../../ledger/schema/consoleSignInFailures.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { useTestLedger } from '../../ledger/useTestLedger.ts'

const guess = (i: number) => ({ secret: `tly_Shared00Wrong${i}AAAAAAAAAAAAAAAAAAAAAAAAA`, organisation: null })

export function describeSignInFailuresSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`console sign-in failures in the ledger: ${name}`, () => {
    const t = useTestLedger(openHandle)
    let now = Date.parse('2026-03-10T09:00:00Z')
    const limiter = () => createSignInLimiter({ rows: createSignInFailureRows(t.handle.db), now: () => now })

    it('counts the failures of two gateways against one budget, per address and per account', async () => {
      const [a, b] = [limiter(), limiter()]
      for (let i = 0; i < 3; i++) await a.failed({ ...guess(i), address: '192.0.2.7' })
      now += 60_000
      for (let i = 3; i < 5; i++) await b.failed({ ...guess(i), address: '192.0.2.7' })
      // Both see the five failures from this address (and for this key's account) of 09:00 and 09:01.
      expect(await a.retryAfter({ ...guess(9), address: '192.0.2.7' })).toBe(14 * 60)
      expect(await b.retryAfter({ ...guess(9), address: '198.51.100.1' })).toBe(14 * 60) // the account
      expect(await b.retryAfter({ secret: 'tly_Other000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', organisation: null, address: '198.51.100.1' })).toBe(0)
      // A success forgets the account on every gateway, not the address.
      await a.succeeded({ ...guess(0), address: '198.51.100.1' })
      expect(await b.retryAfter({ ...guess(9), address: '198.51.100.1' })).toBe(0)
      expect(await b.retryAfter({ ...guess(9), address: '192.0.2.7' })).toBe(14 * 60)
      // The window: 15 minutes after the first three failures, two remain and the address may try.
      now += 14 * 60_000 - 1000
      expect(await a.retryAfter({ ...guess(9), address: '192.0.2.7' })).toBe(1)
      now += 1000
      expect(await a.retryAfter({ ...guess(9), address: '192.0.2.7' })).toBe(0)
    })

    it('deletes failures older than the window as new ones arrive', async () => {
      await t.handle.db.delete(consoleSignInFailures)
      const l = limiter()
      await l.failed({ secret: 'tly_Sweep000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', organisation: null, address: '203.0.113.1' })
      await l.failed({ secret: 'x', organisation: '23507783-d5b4-4854-b012-2bf4ea922205', address: '203.0.113.2' })
      expect((await t.handle.db.select().from(consoleSignInFailures)).map((r) => r.limitKey).sort()).toEqual([
        'address:203.0.113.1',
        'address:203.0.113.2',
        'key:tly_Sweep000',
        'org:23507783-d5b4-4854-b012-2bf4ea922205',
      ])
      now += 15 * 60_000
      await l.failed({ secret: 'tly_Later000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', organisation: null, address: '203.0.113.3' })
      expect((await t.handle.db.select().from(consoleSignInFailures)).map((r) => r.limitKey).sort()).toEqual(['address:203.0.113.3', 'key:tly_Later000'])
    })
  })
}
