// A data directory written by the direct sink, opened with the event log (the default since issue
// 19, so every upgrade does this): the log's id index is empty and `events` alone knows what was
// stored. A sync that reads those rows again must count them duplicates, not accepted (its
// counters come from the drain, `writeCounted`), while the gateway answers such a resend
// `accepted` with `dedup: "deferred"` and the drain still stores it once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'
import { filesDatabase, type SyncSource } from './sourceDatabases.ts'
import { insertUsage, SECRET_KEY, storedEvents, USAGE_SYNC } from './sourceContractSuite.ts'

describe('a sync through the event log counts rows only `events` knows as duplicates', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-sync-log-'))
  let files: SyncSource
  let h: Harness | undefined
  const open = (eventLog: 'direct' | 'local') =>
    openHarness(
      { TALLY_DATA_DIR: dataDir, TALLY_SECRET_KEY: SECRET_KEY, TALLY_EVENT_LOG: eventLog, ...files.env },
      { clock: fixedClock('2026-03-01T10:31:00Z') },
    )
  beforeAll(async () => {
    files = await filesDatabase('csv')
    await files.exec(files.usageTable)
    await files.exec(
      insertUsage([
        [1, 'c1', '2026-03-01 10:01:00', '1', '2026-03-01 10:01:00'],
        [2, 'c1', '2026-03-01 10:02:00', '2', '2026-03-01 10:02:00'],
        [3, 'c1', '2026-03-01 10:03:00', '3', '2026-03-01 10:03:00'],
      ]),
    )
  }, 120_000)
  afterAll(async () => {
    await h?.close()
    await files?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('after a life on the direct sink: a full resync answers 0 accepted, 3 duplicates; a gateway resend is accepted (deferred) and stored once', async () => {
    // This life only prepares the stored state an upgrade starts from.
    h = await open('direct')
    await seed(h, { rawMetrics: ['tokens'], customers: ['c1'] })
    const source = await h.json('POST', '/v1/sources', { body: { ...files.body, name: 'exports' } })
    const sync = await h.json('POST', `/v1/sources/${source.body.id}/syncs`, { body: USAGE_SYNC })
    const run = (full: boolean) => h!.json('POST', `/v1/sources/${source.body.id}/syncs/${sync.body.id}/run`, { body: { full } })
    expect((await run(false)).body).toMatchObject({ status: 'succeeded', rows_read: 3, rows_accepted: 3, rows_duplicate: 0 })
    const resent = { event_id: 'gw-1', raw_metric: 'tokens', customer_id: 'c1', timestamp: '2026-03-01T10:05:00Z', data: { tokens: '10' } }
    expect((await h.json('POST', '/v1/events', { body: [resent] })).body).toMatchObject({ accepted: 1, dedup: 'checked' })
    await h.close()

    h = await open('local')
    expect((await run(true)).body).toMatchObject({ status: 'succeeded', full: true, rows_read: 3, rows_accepted: 0, rows_duplicate: 3 })
    expect((await h.json('POST', '/v1/events', { body: [resent] })).body).toMatchObject({ accepted: 1, duplicates: 0, dedup: 'deferred' })
    // Stored once each: 1 + 2 + 3 + 10.
    expect(await storedEvents(h, 'tokens')).toEqual({ n: 4, ids: 4, tokens: '16' })
    // Now the log has seen it: the next resend is a certain duplicate.
    expect((await h.json('POST', '/v1/events', { body: [resent] })).body).toMatchObject({ accepted: 0, duplicates: 1, dedup: 'deferred' })
  })
})
