// Issue 19: events of a customer the ledger does not know yet are accepted by default (a producer
// often sends usage before the CRM sync creates the customer), listed by GET /v1/usage/unmatched
// so nothing is silently unbilled, and leave that list once the customer is created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'

describe('unknown customers (default: accepted)', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  })
  afterAll(() => h.close())

  it('accepts their events, lists them as unmatched with counts and hours, and stops once the customer exists', async () => {
    const events = [
      { raw_metric: 'api_calls', customer_id: 'acme', event_id: 'e1', timestamp: '2026-01-05 10:00:00.000', data: { n: '1' } },
      { raw_metric: 'api_calls', customer_id: 'crm-later', event_id: 'e2', timestamp: '2026-01-05 10:59:59.999', data: { n: '1' } },
      { raw_metric: 'api_calls', customer_id: 'crm-later', event_id: 'e3', timestamp: '2026-01-06 08:30:00.000', data: { n: '1' } },
    ]
    const posted = await h.json('POST', '/v1/events', { body: events })
    expect(posted.status).toBe(202)
    expect(posted.body).toMatchObject({ accepted: 3, rejected: 0 })
    await h.tally.settled()

    const unmatched = await h.json('GET', '/v1/usage/unmatched')
    expect(unmatched.status).toBe(200)
    expect(unmatched.body).toEqual({
      customers: [
        { customer_id: 'crm-later', events: '2', raw_metrics: ['api_calls'], first_hour: '2026-01-05T10:00:00.000Z', last_hour: '2026-01-06T08:00:00.000Z' },
      ],
    })

    await seed(h, { rawMetrics: [], customers: ['crm-later'] })
    expect((await h.json('GET', '/v1/usage/unmatched')).body).toEqual({ customers: [] })
  })
})
