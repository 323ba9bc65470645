// A remote-query metric needs a source that runs SQL: naming a files connection is refused at
// creation (422, the detail `remote_query_unsupported`, nothing stored), and the run path (the
// rating job's quantities through the runner) answers the same code, never a TypeError (500).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteMetricRunner } from '../../connectors/sources/remote/remoteMetricRunner.ts'
import { createSourceStore } from '../../ledger/sourceStore.ts'
import { TallyError } from '../../platform/errors.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { openHarness, REFERENCE_ORG, seed, type Harness } from '../support/tallyHarness.ts'
import { SECRET_KEY } from './sourceContractSuite.ts'
import { filesDatabase, type SyncSource } from './sourceDatabases.ts'
import { fixedClock } from '../../platform/clock.ts'

const QUERY = 'SELECT sum(tokens) AS quantity FROM usage_rows WHERE account = {customer_id}'

describe('remote-query metric on a files source', () => {
  let files: SyncSource
  let h: Harness
  let sourceId = ''

  beforeAll(async () => {
    files = await filesDatabase('csv')
    await files.exec(files.usageTable)
    await files.exec(`INSERT INTO usage_rows VALUES (1, 'c1', '2026-03-01 10:00:00', 1.5, '2026-03-01 10:00:00')`)
    h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY, ...files.env })
    await seed(h, { rawMetrics: [], customers: ['c1'] })
    sourceId = (await h.json('POST', '/v1/sources', { body: { ...files.body, name: 'exports' } })).body.id as string
  })
  afterAll(async () => {
    await h?.close()
    await files?.close()
  })

  it('refuses to store it: 422 with remote_query_unsupported, nothing stored', async () => {
    const res = await h.json('POST', '/v1/billable-metrics', {
      body: { name: 'tokens_files', unit: 'token', mode: 'remote', source_id: sourceId, customer_query: QUERY },
    })
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_template'])
    expect(res.body.error.details).toEqual([expect.objectContaining({ code: 'remote_query_unsupported' })])
    expect((await h.json('GET', '/v1/billable-metrics/tokens_files')).status).toBe(404)
  })

  it('answers remote_query_unsupported on the run path (the rating job asking for quantities)', async () => {
    const runner = createRemoteMetricRunner({
      store: createSourceStore(h.tally.database.db, { secrets: createSecretBox(SECRET_KEY) }),
      clock: fixedClock('2026-12-02T10:00:00Z'),
    })
    const version = { sourceId, customerQuery: QUERY, groupedQuery: null, dimensions: [] }
    const failure = await runner
      .quantities(REFERENCE_ORG, version, ['c1'], { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') })
      .catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(TallyError)
    expect([(failure as TallyError).code, (failure as TallyError).category]).toEqual(['remote_query_unsupported', 'unprocessable'])
  })
})
