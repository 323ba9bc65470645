// The rating run history over HTTP on PGlite (issue 20): every POST /v1/rating/runs is recorded
// with who made it, its request and the counters of its summary, on the app's clock; listed newest
// first a page at a time; one run by id; a failed run keeps its error code. The clock is the
// test's, moved between runs, so the expected times hold on any date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../platform/errors.ts'
import { runRecordedRating } from '../../rating/execute/recordedRatingRun.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, REFERENCE_ORG, seed } from '../support/tallyHarness.ts'

let h: Harness
let now = new Date('2026-03-05T03:00:00Z')
const clock = { now: () => now }
type RunJson = { id: string; status: string; trigger: string; actor: string; started_at: string; counters: Record<string, number> | null; error: unknown }

beforeAll(async () => {
  h = await openHarness({}, { clock })
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  const platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
  await h.json('POST', '/v1/contracts', { body: monthlyContract('acme', [usdItem(platform, 'in_advance', { amount: '100.00' })]) })
})
afterAll(async () => {
  await h?.close()
})

describe('GET /v1/rating/runs', () => {
  it('lists each POST /v1/rating/runs newest first with its request, who made it, times and counters', async () => {
    expect((await h.json('POST', '/v1/rating/runs', { body: { period: '2026-01' } })).status).toBe(200)
    now = new Date('2026-03-06T03:00:00Z')
    expect((await h.json('POST', '/v1/rating/runs', {})).status).toBe(200)

    const { status, body } = await h.json<{ runs: RunJson[]; next_cursor: string | null }>('GET', '/v1/rating/runs')
    expect(status).toBe(200)
    expect(body.next_cursor).toBeNull()
    expect(body.runs).toMatchObject([
      { trigger: 'api', actor: expect.stringMatching(/^api_key:/), period: null, status: 'succeeded', started_at: '2026-03-06T03:00:00.000Z', error: null },
      {
        trigger: 'api',
        period: '2026-01',
        contract_id: null,
        as_of: '2026-03-05T03:00:00.000Z',
        status: 'succeeded',
        started_at: '2026-03-05T03:00:00.000Z',
        finished_at: '2026-03-05T03:00:00.000Z',
        // January in advance (01-01) and in arrears (02-01): first rated after their grace, so held as drafts.
        counters: { contracts_rated: 1, invoices_drafted: 2, invoices_finalized: 0, skipped: 0, unbilled_usage: 0, held_for_review: 2 },
      },
    ])

    const first = await h.json<{ runs: RunJson[]; next_cursor: string }>('GET', '/v1/rating/runs?limit=1')
    expect(first.body.runs.map((r) => r.id)).toEqual([body.runs[0]!.id])
    const second = await h.json<{ runs: RunJson[]; next_cursor: string | null }>('GET', `/v1/rating/runs?limit=1&cursor=${first.body.next_cursor}`)
    expect(second.body.runs.map((r) => r.id)).toEqual([body.runs[1]!.id])

    const one = await h.json<RunJson>('GET', `/v1/rating/runs/${body.runs[1]!.id}`)
    expect(one).toMatchObject({ status: 200, body: body.runs[1] })
  })

  it('records a failed run with its error code', async () => {
    now = new Date('2026-03-07T03:00:00Z')
    const ledger = h.tally.ledger
    // The ledger's contract listing fails under the run: the run throws, and the history says why.
    const failing = {
      ...ledger,
      contracts: { ...ledger.contracts, list: () => Promise.reject(new UnavailableError('database_unavailable', 'the ledger is down')) },
    }
    await expect(
      runRecordedRating(
        { ledger: failing, ratingRuns: ledger.ratingRuns, quantities: { quantities: () => Promise.resolve(new Map()) }, clock },
        { orgId: REFERENCE_ORG, trigger: 'api', actor: 'admin', options: { asOf: now, graceHours: 72 } },
      ),
    ).rejects.toMatchObject({ code: 'database_unavailable' })
    const { body } = await h.json<{ runs: RunJson[] }>('GET', '/v1/rating/runs?status=failed')
    expect(body.runs).toMatchObject([
      {
        status: 'failed',
        actor: 'admin',
        started_at: '2026-03-07T03:00:00.000Z',
        counters: null,
        error: { code: 'database_unavailable', message: 'the ledger is down' },
      },
    ])
  })

  it('refuses a bad query with its field and answers 404 for an unknown run', async () => {
    const bad = await h.json('GET', '/v1/rating/runs?status=done')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ field: 'status' }))
    const cursor = await h.json('GET', '/v1/rating/runs?cursor=nonsense')
    expect(cursor.status).toBe(400)
    expect(cursor.body.error.details).toContainEqual(expect.objectContaining({ field: 'cursor' }))
    const missing = await h.json('GET', '/v1/rating/runs/00000000-0000-4000-8000-000000000000')
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'rating_run_not_found' } } })
  })
})
