// A chunk posts its finalized invoices' journals in bulk (ledger/accounting/lifecyclePostings.ts
// `postFinalizedManyIn`, issue 20): the entries, lines, revenue schedules and `invoice.finalized`
// events of many invoices are written together. Two identical organisations are rated, one with
// every contract in one chunk (one bulk posting of six invoices) and one a contract per chunk;
// what each invoice posted must be the same, so no line, schedule or event lands on another
// invoice. The database (PGlite) is real.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { useTestLedger } from '../../ledger/useTestLedger.ts'
import { fixedClock } from '../../platform/clock.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { fixedQuantities } from './billingSuite.ts'
import { testNow } from '../support/testLedger.ts'

let dir: string | undefined
const clock = fixedClock('2026-11-06T09:00:00.000Z')

// Registered first, so it runs last (after hooks run in reverse): the database closes before its directory goes.
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})
const t = useTestLedger(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-rating-chunk-postings-'))
  return openDatabase({ dataDir: dir })
})

/** Contracts k0–k2 from 2026-10-01: a 100.00 fee in advance (deferred: a revenue schedule) and API calls in arrears at 0.10; an endpoint wants invoice.finalized. */
async function organisation(name: string): Promise<string> {
  const { ledger, handle } = t
  const org = await ledger.organisations.create({ now: testNow(), name })
  const apiId = (await ledger.products.create({ now: testNow(), orgId: org.id, name: 'API', kind: 'metered', metricName: 'calls', metricVersion: 1 })).id
  const feeId = (await ledger.products.create({ now: testNow(), orgId: org.id, name: 'Platform', kind: 'non_metered' })).id
  for (const customer of ['k0', 'k1', 'k2']) {
    await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: customer, name: customer })
    await ledger.contracts.create(feeAndTieredCalls({ orgId: org.id, customer, feeId, apiId, firstTier: '10' }))
  }
  await handle.db.execute(sql`insert into webhook_endpoints (org_id, url, event_types, secret, created_at)
    values (${org.id}, 'https://example.test/hook', '["invoice.finalized"]'::jsonb, 'not used', ${clock.now()})`)
  return org.id
}

/** What each invoice posted, by customer and billing date: its total, its entry's lines, its schedules' lines, its finalized event's total. */
async function postings(orgId: string): Promise<Record<string, unknown>> {
  const rows = await t.handle.db.execute(sql`
    select c.external_id || ' ' || i.billing_date as invoice, i.total,
      (select json_agg(json_build_object('account', l.account_code, 'debit', l.debit::text, 'credit', l.credit::text, 'product', l.product_id is not null) order by l.position)
         from journal_entries e join journal_lines l on l.entry_id = e.id
        where e.org_id = i.org_id and e.source_kind = 'invoice' and e.source_key = i.id::text) as entry,
      (select json_agg(json_build_object('amount', s.amount::text, 'on', sl.recognise_on, 'part', sl.amount::text) order by sl.recognise_on)
         from revenue_schedules s join revenue_schedule_lines sl on sl.schedule_id = s.id where s.invoice_id = i.id) as schedules,
      (select json_agg(w.payload->'data'->'invoice'->>'total') from webhook_events w
        where w.org_id = i.org_id and w.key = 'invoice.finalized/' || i.id) as events
    from invoices i join customers c on c.id = i.customer_id
    where i.org_id = ${orgId} and i.status = 'finalized'
    order by 1`)
  const list = (rows as unknown as { rows: { invoice: string }[] }).rows
  return Object.fromEntries(list.map(({ invoice, ...rest }) => [invoice, rest]))
}

/** The UUID versions (the id's 13th hex digit) of the organisation's contracts and of the rows the run wrote, by table. */
async function idVersions(orgId: string): Promise<Record<string, string[]>> {
  const rows = await t.handle.db.execute(sql`
    with ids(tbl, id) as (
      select 'contracts', id from contracts where org_id = ${orgId}
      union all select 'invoices', id from invoices where org_id = ${orgId}
      union all select 'invoice_lines', id from invoice_lines where org_id = ${orgId}
      union all select 'journal_entries', id from journal_entries where org_id = ${orgId}
      union all select 'journal_lines', id from journal_lines where org_id = ${orgId}
      union all select 'revenue_schedules', id from revenue_schedules where org_id = ${orgId}
      union all select 'revenue_schedule_lines', l.id from revenue_schedule_lines l join revenue_schedules s on s.id = l.schedule_id where s.org_id = ${orgId}
      union all select 'webhook_events', id from webhook_events where org_id = ${orgId}
      union all select 'webhook_deliveries', id from webhook_deliveries where org_id = ${orgId})
    select tbl, array_agg(distinct substr(id::text, 15, 1)) as versions from ids group by tbl order by tbl`)
  return Object.fromEntries((rows as unknown as { rows: { tbl: string; versions: string[] }[] }).rows.map((r) => [r.tbl, r.versions]))
}

describe('a chunk posts its finalized invoices in bulk', () => {
  it('posts for each invoice what one chunk per contract posts: entry lines, schedules, events', async () => {
    const usage = new Map([
      ['k0', '1'],
      ['k1', '2'],
      ['k2', '3'],
    ])
    const opts = { asOf: new Date('2026-11-05T00:00:00Z'), graceHours: 24 }
    const bulk = await organisation('chunk postings: one chunk')
    const single = await organisation('chunk postings: a contract per chunk')
    await runRating({ ledger: t.ledger, quantities: fixedQuantities(usage), clock }, { ...opts, orgId: bulk })
    await runRating({ ledger: t.ledger, quantities: fixedQuantities(usage), clock }, { ...opts, orgId: single, chunkSize: 1 })
    const mine = await postings(bulk)
    expect(mine).toEqual(await postings(single))
    // Not vacuous: six invoices, each with its entry and event; k1's November invoice: 100.00 for
    // November in advance (deferred, one schedule line) + 2 calls × 0.10 = 100.20.
    expect(Object.keys(mine)).toHaveLength(6)
    expect(mine['k1 2026-11-01']).toEqual({
      total: '100.20',
      entry: [
        { account: '1100', debit: '100.20', credit: '0', product: false },
        { account: '4100', debit: '0', credit: '0.20', product: true },
        { account: '2100', debit: '0', credit: '100.00', product: true },
      ],
      schedules: [{ amount: '100.00', on: '2026-11-30', part: '100.00' }],
      events: ['100.20'],
    })
    // Numbers follow the contracts' id order, which differs between the two; each is gap-free.
    for (const orgId of [bulk, single]) {
      const numbers = (await t.ledger.invoices.list(orgId, { limit: 100 })).map((i) => i.number).sort((a, b) => a! - b!)
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6])
    }
    // Every row the bulk writer made has a time-ordered id (UUIDv7, platform/uuidv7.ts; issue 20),
    // and so do the contracts the run walks in id order.
    const v7 = ['7']
    expect(await idVersions(bulk)).toEqual({
      contracts: v7,
      invoice_lines: v7,
      invoices: v7,
      journal_entries: v7,
      journal_lines: v7,
      revenue_schedule_lines: v7,
      revenue_schedules: v7,
      webhook_deliveries: v7,
      webhook_events: v7,
    })
    const again = await runRating({ ledger: t.ledger, quantities: fixedQuantities(usage), clock }, { ...opts, orgId: bulk })
    expect(again.invoices).toMatchObject({ created: 0, updated: 0, finalized: 0 })
    expect(await postings(bulk)).toEqual(mine)
  })
})
