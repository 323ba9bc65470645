// The console's sessions kept in the ledger (console/session.ts over ledger/consoleSessions.ts) on
// each driver: a session read back by its token from a second store over the same database (a
// restarted process); the row holds neither the token nor the key; sign-out deletes it; idle and
// maximum age end it, by the console's clock, and the next sign-in sweeps expired rows.
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../console/session.ts'
import { createConsoleSessionRows } from '../../ledger/consoleSessions.ts'
import { consoleSessions } from '../../ledger/schema/consoleSessions.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { useTestLedger } from '../../ledger/useTestLedger.ts'

const KEY = 'tly_SessionSuiteKey0123456789abcdefghijklmn'

export function describeConsoleSessionsSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`console sessions in the ledger: ${name}`, () => {
    const t = useTestLedger(openHandle)
    let now = Date.parse('2026-03-10T09:00:00Z')
    const store = () => createSessionStore({ rows: createConsoleSessionRows(t.handle.db), now: () => now })

    it('reads a session back after a restart; the row holds neither token nor key; sign-out deletes it', async () => {
      const session = await store().create({ secret: KEY, organisation: null })
      const restarted = store()
      expect(await restarted.get(session.id)).toEqual({ id: session.id, secret: KEY, organisation: null, csrf: session.csrf })
      const rows = await t.handle.db.select().from(consoleSessions)
      const text = JSON.stringify(rows)
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(session.id)
      expect(await restarted.get(`${session.id.slice(0, -1)}A`)).toBeNull()
      await restarted.destroy(session.id)
      expect(await store().get(session.id)).toBeNull()
      expect(await t.handle.db.select().from(consoleSessions)).toHaveLength(rows.length - 1)
    })

    it('ends a session after 2 hours idle or 12 hours from sign-in, by the clock; sign-in sweeps expired rows', async () => {
      const admin = await store().create({ secret: KEY, organisation: '23507783-d5b4-4854-b012-2bf4ea922205' })
      now += 2 * 3600_000 - 1
      expect((await store().get(admin.id))?.organisation).toBe('23507783-d5b4-4854-b012-2bf4ea922205')
      now += 2 * 3600_000 - 1 // used just before: not idle
      expect(await store().get(admin.id)).not.toBeNull()
      now += 2 * 3600_000
      expect(await store().get(admin.id)).toBeNull() // idle 2 hours
      const busy = await store().create({ secret: KEY, organisation: null })
      for (let i = 0; i < 12; i++) {
        expect(await store().get(busy.id)).not.toBeNull()
        now += 3600_000
      }
      expect(await store().get(busy.id)).toBeNull() // 12 hours since sign-in
      const idle = await store().create({ secret: KEY, organisation: null })
      now += 3 * 3600_000
      await store().create({ secret: KEY, organisation: null })
      expect(await t.handle.db.select().from(consoleSessions)).toHaveLength(1) // idle's row swept
      expect(await store().get(idle.id)).toBeNull()
    })
  })
}
