// The rating run history (ratingRuns.ts) on each driver: a run opened, closed as succeeded or
// failed, a killed run left `running` until the organisation's next run marks it `abandoned`,
// newest first with a keyset cursor, and never another organisation's run. Every time is given.
import { describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { newTestOrg, useTestLedger } from './useTestLedger.ts'

const counters = { contractsRated: 2, invoicesDrafted: 3, invoicesFinalized: 1, skipped: 1, unbilledUsage: 0, heldForReview: 0 }

export function describeRatingRunSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`rating run history: ${name}`, () => {
    const t = useTestLedger(openHandle)
    const start = (orgId: string, at: string) =>
      t.ledger.ratingRuns.start({ orgId, trigger: 'api', actor: 'admin', period: '2030-01', contractId: null, asOf: new Date(at), at: new Date(at) })

    it('records a succeeded and a failed run, and a killed one becomes abandoned when the next run starts', async () => {
      const org = await newTestOrg(t.ledger, 'Runs')
      const ok = await start(org.id, '2030-02-01T03:00:00Z')
      expect(ok).toMatchObject({ status: 'running', startedAt: '2030-02-01T03:00:00.000Z', finishedAt: null, counters: null, period: '2030-01' })
      expect(await t.ledger.ratingRuns.finish(ok.id, { at: new Date('2030-02-01T03:00:05Z'), counters })).toMatchObject({
        status: 'succeeded',
        finishedAt: '2030-02-01T03:00:05.000Z',
        counters,
        error: null,
      })
      const failed = await start(org.id, '2030-02-02T03:00:00Z')
      await t.ledger.ratingRuns.finish(failed.id, { at: new Date('2030-02-02T03:00:01Z'), error: { code: 'metric_unavailable', message: 'down' } })
      expect(await t.ledger.ratingRuns.get(org.id, failed.id)).toMatchObject({
        status: 'failed',
        counters: null,
        error: { code: 'metric_unavailable', message: 'down' },
      })

      const killed = await start(org.id, '2030-02-03T03:00:00Z')
      const next = await start(org.id, '2030-02-04T03:00:00Z')
      expect((await t.ledger.ratingRuns.get(org.id, killed.id)).status).toBe('abandoned')
      expect((await t.ledger.ratingRuns.get(org.id, next.id)).status).toBe('running')
      expect((await t.ledger.ratingRuns.get(org.id, ok.id)).status).toBe('succeeded')
      // A run marked abandoned while it was in fact still going records its real end.
      await t.ledger.ratingRuns.finish(killed.id, { at: new Date('2030-02-04T03:00:09Z'), counters })
      expect(await t.ledger.ratingRuns.get(org.id, killed.id)).toMatchObject({ status: 'succeeded', finishedAt: '2030-02-04T03:00:09.000Z' })
    })

    it('lists newest first a page at a time, filters by status, and hides other organisations', async () => {
      const org = await newTestOrg(t.ledger, 'Runs list')
      const other = await newTestOrg(t.ledger, 'Runs other')
      const ids: string[] = []
      // Two runs at the same instant: the id breaks the tie, so no run is skipped or repeated.
      for (const at of ['2030-03-01T00:00:00Z', '2030-03-02T00:00:00Z', '2030-03-02T00:00:00Z', '2030-03-03T00:00:00Z', '2030-03-04T00:00:00Z']) {
        const run = await start(org.id, at)
        await t.ledger.ratingRuns.finish(run.id, { at: new Date(at), counters })
        ids.push(run.id)
      }
      const otherRun = await start(other.id, '2030-03-05T00:00:00Z')
      const seen: string[] = []
      let page = await t.ledger.ratingRuns.list(org.id, { limit: 2 })
      seen.push(...page.runs.map((r) => r.id))
      while (page.next !== null) {
        page = await t.ledger.ratingRuns.list(org.id, { limit: 2, after: page.next })
        seen.push(...page.runs.map((r) => r.id))
      }
      expect(seen).toHaveLength(5)
      expect(new Set(seen)).toEqual(new Set(ids))
      expect(seen[0]).toBe(ids[4])
      expect(seen[4]).toBe(ids[0])
      expect((await t.ledger.ratingRuns.list(org.id, { limit: 10, status: 'failed' })).runs).toEqual([])
      expect((await t.ledger.ratingRuns.list(org.id, { limit: 10, status: 'succeeded' })).runs).toHaveLength(5)
      await expect(t.ledger.ratingRuns.get(org.id, otherRun.id)).rejects.toMatchObject({ code: 'rating_run_not_found' })
      await expect(t.ledger.ratingRuns.get(org.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'rating_run_not_found' })
    })
  })
}
