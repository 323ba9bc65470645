import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import type { AppEnv, Principal } from '../../platform/http/appEnv.ts'
import { errorBody, STATUS_BY_CATEGORY } from '../../platform/http/errorHandler.ts'
import { openTestClickHouse, type TestClickHouse } from '../../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { createEventWriter } from '../eventWriter.ts'
import { meteringRoutes } from './meteringRoutes.ts'

let ch: TestClickHouse
/** The ledger stand-in of `GET /v1/usage/unmatched`: customer ids per organisation. */
const ledgerCustomers = new Map<string, Set<string>>([['org-c', new Set(['known'])]])

/** The routes behind a stand-in for the auth middleware, with the category → status mapping. */
function appFor(principal: Principal): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(async (c, next) => {
    c.set('principal', principal)
    await next()
  })
  const known = (orgId: string, ids: string[]) => Promise.resolve(new Set(ids.filter((id) => ledgerCustomers.get(orgId)?.has(id) === true)))
  app.route('/', meteringRoutes(ch.handle, known))
  app.onError((err, c) => {
    if (err instanceof TallyError) return c.json(errorBody(err.code, err.message, err.details), STATUS_BY_CATEGORY[err.category])
    throw err
  })
  return app
}

let orgA: Hono<AppEnv>

beforeAll(async () => {
  ch = await openTestClickHouse()
  orgA = appFor({ kind: 'api_key', orgId: 'org-a', keyId: 'k1' })
  const writer = createEventWriter(ch.handle)
  await writer.write([
    eventRow({ org_id: 'org-a', event_id: 'a1', timestamp: '2024-03-05 10:15:30.000', data: '{"cpu":"2.5"}' }),
    eventRow({ org_id: 'org-a', event_id: 'a2', timestamp: '2024-03-05 10:45:00.000', data: '{"cpu":"0.25"}' }),
    eventRow({ org_id: 'org-b', event_id: 'b1', timestamp: '2024-03-05 10:15:30.000', data: '{"cpu":"99"}' }),
  ])
  await writer.close()
})
afterAll(async () => {
  await ch.destroy()
})

describe('GET /v1/usage', () => {
  it('answers the principal organisation’s usage', async () => {
    const res = await orgA.request('/v1/usage?raw_metric=cpu_usage&from=2024-03-05&to=2024-03-06T00:00:00Z&granularity=hour')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      buckets: [
        // 2.5 + 0.25 = 2.75
        { bucket: '2024-03-05T10:00:00.000Z', customer_id: 'cust-1', events: '2', fields: { cpu: { count: '2', sum: '2.75', min: '0.25', max: '2.5' } } },
      ],
    })
  })

  it('accepts the reference timestamp format and an offset, and filters by customer', async () => {
    const res = await orgA.request(
      '/v1/usage?raw_metric=cpu_usage&customer_id=cust-1&granularity=minute&from=' +
        encodeURIComponent('2024-03-05 10:15:00.000') +
        '&to=' +
        encodeURIComponent('2024-03-05T11:16:00+01:00'),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { buckets: { bucket: string }[] }
    expect(body.buckets.map((b) => b.bucket)).toEqual(['2024-03-05T10:15:00.000Z'])
  })

  it('rejects an invalid query with field details', async () => {
    const res = await orgA.request('/v1/usage?from=yesterday&to=2024-03-05&granularity=week')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: { field: string; code: string }[] } }
    expect(body.error.code).toBe('invalid_query')
    expect(body.error.details.map((d) => d.field).sort()).toEqual(['from', 'granularity', 'raw_metric'])
    expect(body.error.details.every((d) => d.code === 'invalid_query')).toBe(true)
  })

  it('rejects an empty or too wide range', async () => {
    const empty = await orgA.request('/v1/usage?raw_metric=cpu_usage&from=2024-03-05&to=2024-03-05')
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_query', details: [{ field: 'to' }] } })
    const wide = await orgA.request('/v1/usage?raw_metric=cpu_usage&from=2024-01-01&to=2024-03-01&granularity=minute')
    expect(wide.status).toBe(400)
  })

  it('requires an organisation for an admin principal without one', async () => {
    const admin = appFor({ kind: 'admin', orgId: null })
    const res = await admin.request('/v1/usage?raw_metric=cpu_usage&from=2024-03-05&to=2024-03-06')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'organisation_required' } })
  })
})

describe('GET /v1/events', () => {
  it('lists the organisation’s events newest first', async () => {
    const res = await orgA.request('/v1/events')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { events: { event_id: string; data: unknown }[] }
    expect(body.events.map((e) => e.event_id)).toEqual(['a2', 'a1'])
    expect(body.events[0]?.data).toEqual({ cpu: '0.25' })
  })

  it('applies limit and filters, and bounds the limit', async () => {
    const one = await orgA.request('/v1/events?limit=1&customer_id=cust-1&raw_metric=cpu_usage')
    expect(((await one.json()) as { events: unknown[] }).events).toHaveLength(1)
    const none = await orgA.request('/v1/events?raw_metric=nothing')
    expect(await none.json()).toEqual({ events: [], next_cursor: null })
    for (const limit of ['0', '1001', 'ten']) {
      const res = await orgA.request(`/v1/events?limit=${limit}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_query', details: [{ field: 'limit' }] } })
    }
  })

  it('pages with next_cursor and keeps the time range across pages', async () => {
    const first = (await (await orgA.request('/v1/events?limit=1&from=2024-03-05T10:00:00Z&to=2024-03-05T11:00:00Z')).json()) as {
      events: { event_id: string }[]
      next_cursor: string | null
    }
    expect(first.events.map((e) => e.event_id)).toEqual(['a2'])
    expect(first.next_cursor).not.toBeNull()
    const second = await orgA.request(`/v1/events?limit=1&from=2024-03-05T10:00:00Z&to=2024-03-05T11:00:00Z&cursor=${first.next_cursor}`)
    expect(await second.json()).toMatchObject({ events: [{ event_id: 'a1' }], next_cursor: null })
    // Outside the range: nothing.
    expect(await (await orgA.request('/v1/events?to=2024-03-05T10:15:30Z')).json()).toEqual({ events: [], next_cursor: null })
  })

  it('lists the events stored since an instant whatever their timestamp (ingested_from): a late event shows', async () => {
    await createEventWriter(ch.handle).write([
      eventRow({ org_id: 'org-late', event_id: 'on-time', timestamp: '2024-03-05 10:00:00.000', ingested_at: '2024-03-05 10:00:01.000' }),
      eventRow({ org_id: 'org-late', event_id: 'late', timestamp: '2024-03-05 09:00:00.000', ingested_at: '2024-03-05 10:05:00.000' }),
    ])
    const late = appFor({ kind: 'api_key', orgId: 'org-late', keyId: 'k2' })
    const ids = async (query: string) =>
      ((await (await late.request(`/v1/events?${query}`)).json()) as { events: { event_id: string }[] }).events.map((e) => e.event_id)
    // From the newest timestamp shown, the late event (an older timestamp) is never listed.
    expect(await ids('from=2024-03-05T10:00:00Z')).toEqual(['on-time'])
    expect(await ids('ingested_from=2024-03-05T10:00:01Z')).toEqual(['on-time', 'late'])
    expect(await ids('ingested_from=2024-03-05T10:00:01.001Z')).toEqual(['late'])
  })

  it('pages a burst of 2,500 events in storing order (order=stored) until caught up, events arriving meanwhile included', async () => {
    // Stored in two writes, each event's timestamp older than the one stored before it.
    const burst = Array.from({ length: 2500 }, (_, i) => {
      const at = new Date(Date.UTC(2024, 2, 5, 9, 0, 0) + (2500 - i) * 1000).toISOString()
      const ingested = i < 1000 ? '2024-03-05 10:00:00.000' : '2024-03-05 10:00:00.500'
      return eventRow({ org_id: 'org-burst', event_id: `e${String(i).padStart(4, '0')}`, timestamp: at.slice(0, 23).replace('T', ' '), ingested_at: ingested })
    })
    const writer = createEventWriter(ch.handle)
    await writer.write(burst.slice(0, 1000))
    await writer.write(burst.slice(1000))
    const burstApp = appFor({ kind: 'api_key', orgId: 'org-burst', keyId: 'k3' })
    type Page = { events: { event_id: string }[]; next_cursor: string | null }
    const get = async (query: string) => (await (await burstApp.request(`/v1/events?${query}`)).json()) as Page
    // What the tail read before: the 1,000 newest timestamps stored since, the same page at every poll.
    const byTimestamp = await get('ingested_from=2024-03-05T10:00:00Z&limit=1000')
    expect(byTimestamp.events.map((e) => e.event_id)).toEqual(burst.slice(0, 1000).map((e) => e.event_id))
    const seen: string[] = []
    let cursor: string | null = null
    for (let pages = 1; ; pages++) {
      const page: Page = await get(`order=stored&ingested_from=2024-03-05T10:00:00Z&limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`)
      seen.push(...page.events.map((e) => e.event_id))
      if (pages === 1)
        await writer.write([eventRow({ org_id: 'org-burst', event_id: 'late', timestamp: '2024-03-01 00:00:00.000', ingested_at: '2024-03-05 10:00:01.000' })])
      cursor = page.next_cursor
      if (cursor === null) break
    }
    expect(seen).toEqual([...burst.map((e) => e.event_id), 'late'])
    // A cursor is for the order it came from.
    const first = await get('order=stored&limit=1')
    const other = await burstApp.request(`/v1/events?cursor=${first.next_cursor}`)
    expect(other.status).toBe(400)
    expect(await other.json()).toMatchObject({ error: { code: 'invalid_query', details: [{ field: 'cursor' }] } })
  })

  it('answers 400 invalid_query for a cursor it never issued and for an empty range', async () => {
    for (const [query, field] of [
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('["yesterday","a1"]').toString('base64url')}`, 'cursor'],
      ['from=2024-03-05T11:00:00Z&to=2024-03-05T10:00:00Z', 'to'],
    ]) {
      const res = await orgA.request(`/v1/events?${query}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_query', details: [{ field }] } })
    }
  })
})

describe('GET /v1/usage/unmatched', () => {
  it('lists the customer ids with usage and no customer record, until the customer exists', async () => {
    const writer = createEventWriter(ch.handle)
    await writer.write([
      eventRow({ org_id: 'org-c', customer_id: 'known', event_id: 'c1' }),
      eventRow({ org_id: 'org-c', customer_id: 'stranger', event_id: 'c2', timestamp: '2024-03-05 10:15:30.000' }),
      eventRow({ org_id: 'org-c', customer_id: 'stranger', event_id: 'c3', raw_metric: 'storage', timestamp: '2024-03-07 23:59:59.999' }),
      eventRow({ org_id: 'org-d', customer_id: 'other-org', event_id: 'd1' }),
    ])
    await writer.close()
    const orgC = appFor({ kind: 'api_key', orgId: 'org-c', keyId: 'k3' })

    const res = await orgC.request('/v1/usage/unmatched')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      customers: [
        {
          customer_id: 'stranger',
          events: '2',
          raw_metrics: ['cpu_usage', 'storage'],
          first_hour: '2024-03-05T10:00:00.000Z',
          last_hour: '2024-03-07T23:00:00.000Z',
        },
      ],
    })

    ledgerCustomers.get('org-c')!.add('stranger')
    expect(await (await orgC.request('/v1/usage/unmatched')).json()).toEqual({ customers: [] })
  })
})
