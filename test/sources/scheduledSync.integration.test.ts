// A scheduled sync end to end on an embedded Tally with its scheduled jobs running (as `tally
// start`): the scheduler's every-minute pass runs a job whose cron (`*/5 * * * *`, UTC) came due on
// the process's clock, an input the test moves, against a throwaway PostgreSQL database. Created at
// 10:03 on that clock, the job is not due until 10:05; once the clock reads 10:05:30 the next pass
// runs it: one run, started at the clock's 10:05:30, its rows stored as events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Clock } from '../../platform/clock.ts'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'
import { insertUsage, SECRET_KEY, storedEvents, USAGE_SYNC } from './sourceContractSuite.ts'
import { postgresDatabase, type SourceDatabase } from './sourceDatabases.ts'

let now = new Date('2026-03-01T10:03:00Z')
const clock: Clock = { now: () => new Date(now.getTime()) }

let db: SourceDatabase
let h: Harness

beforeAll(async () => {
  db = await postgresDatabase()
  await db.exec(db.usageTable)
  await db.exec(
    insertUsage([
      [1, 'c1', '2026-03-01 10:00:00', '1.25', '2026-03-01 10:00:00'],
      [2, 'c2', '2026-03-01 10:01:00', '2.5', '2026-03-01 10:01:00'],
    ]),
  )
  h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY, TALLY_RATING_CRON: 'off' }, { clock, scheduler: true })
  await seed(h, { rawMetrics: ['tokens'], customers: ['c1', 'c2'] })
}, 120_000)

afterAll(async () => {
  await h?.close()
  await db?.close()
})

/** The runs of a connection once the scheduler's pass (every wall-clock minute) has made one. */
async function firstRuns(sourceId: string): Promise<Array<{ status: string; started_at: string; rows_accepted: number }>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const runs = (await h.json('GET', `/v1/sources/${sourceId}/runs`)).body.data as Array<{ status: string; started_at: string; rows_accepted: number }>
    if (runs.length > 0 && runs.every((r) => r.status !== 'running')) return runs
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error('the scheduler ran no sync within 100 s')
}

describe('scheduled source sync', () => {
  it("runs a job when its cron comes due on the process's clock, through the scheduler's pass", async () => {
    const sourceId = (await h.json('POST', '/v1/sources', { body: { ...db.connection, name: 'app-db' } })).body.id as string
    const created = await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: { ...USAGE_SYNC, schedule: '*/5 * * * *' } })
    expect(created.status).toBe(201)
    expect(created.body.created_at).toBe('2026-03-01T10:03:00.000Z')
    now = new Date('2026-03-01T10:05:30Z')
    const runs = await firstRuns(sourceId)
    expect(runs).toEqual([expect.objectContaining({ status: 'succeeded', started_at: '2026-03-01T10:05:30.000Z', rows_accepted: 2 })])
    // 1.25 + 2.5 = 3.75
    expect(await storedEvents(h, 'tokens')).toEqual({ n: 2, ids: 2, tokens: '3.75' })
  }, 150_000)
})
