// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. Time is an input
// (platform/clock.ts): no column of the migrated database defaults to the database's clock (an
// insert that forgets its time fails on NOT NULL instead of taking today's date, migration
// 0032), and a statement that compares a row's time with "now" compares it with the caller's.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { pgErrorCode } from '../platform/postgres/pgErrors.ts'
import { queryRows } from '../platform/postgres/queryRows.ts'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'

/** A clock years from today, so the database's own date can never pass for it. */
const T0 = new Date('2031-03-05T10:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

export function describeClockTimestampsSuite(t: TestLedger): void {
  describe('row times come from the caller’s clock', () => {
    it('no date or time column defaults to the database clock (now(), CURRENT_TIMESTAMP, …)', async () => {
      const columns = await queryRows<{ column: string; type: string; fallback: string | null }>(
        t.handle.db,
        sql`select c.relname || '.' || a.attname as column, format_type(a.atttypid, a.atttypmod) as type, pg_get_expr(d.adbin, d.adrelid) as fallback
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid and c.relkind = 'r'
            join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where a.attnum > 0 and not a.attisdropped and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
            order by 1`,
      )
      // Not vacuous: the ledger's tables have their created_at columns.
      expect(columns.map((c) => c.column)).toEqual(expect.arrayContaining(['organisations.created_at', 'invoices.created_at', 'journal_entries.created_at']))
      const wallClock = /now\(|current_timestamp|current_date|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp/i
      expect(columns.filter((c) => c.fallback !== null && wallClock.test(c.fallback))).toEqual([])
    })

    it('an insert that forgets its time is refused (NOT NULL), not dated by the database', async () => {
      const refused = await t.handle.db.execute(sql`insert into organisations (name) values ('no time')`).then(
        () => 'inserted',
        (err: unknown) => pgErrorCode(err),
      )
      expect(refused).toBe('23502')
    })

    it('revoke stamps the clock time; recordUse stamps it at most once a clock minute', async () => {
      const org = await newTestOrg(t.ledger)
      const { key } = await t.ledger.apiKeys.create({ orgId: org.id, name: 'clocked', now: T0 })
      expect(key.createdAt).toBe(T0.toISOString())
      const lastUsed = async () => (await t.ledger.apiKeys.list(org.id)).find((k) => k.id === key.id)!.lastUsedAt
      await t.ledger.apiKeys.recordUse(key.id, T0)
      expect(await lastUsed()).toBe(T0.toISOString())
      // 30 seconds later on the clock: within the minute, so unchanged (the database's now() is
      // years before T0: compared with it, a 2031 stamp would never be a minute old).
      await t.ledger.apiKeys.recordUse(key.id, at(30))
      expect(await lastUsed()).toBe(T0.toISOString())
      await t.ledger.apiKeys.recordUse(key.id, at(61))
      expect(await lastUsed()).toBe(at(61).toISOString())
      expect((await t.ledger.apiKeys.revoke(org.id, key.id, at(90))).revokedAt).toBe(at(90).toISOString())
    })
  })
}
