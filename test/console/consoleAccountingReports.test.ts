// The console's other accounting reports over a whole embedded Tally (chDB + PGlite, in-process,
// the console's HTML read as served): a contract billed monthly in advance since 2024-06
// (backdated invoices finalized: journal entries and revenue schedules), rated, February 2026
// closed. The month page shows February's revenue recognised, its deferred revenue and its close
// status as the API answers them (the same decimal strings); the journal entries page pages the
// API's entries 20 at a time by its cursor, next and back. Before, the console had no such pages
// and the API listed every journal entry at once (no `limit`, no cursor).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { sessionOf } from '../../console/consoleTestKit.ts'
import { JOURNAL_ROWS } from '../../console/routes/accounting.tsx'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, TEST_KEY } from '../support/tallyHarness.ts'
import { consolePage, pagerLinks, unescapeHref } from './consolePages.ts'

let h: Harness
let cookie = ''

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-03-10T09:00:00Z') })
  expect((await h.json('POST', '/v1/customers', { body: { external_id: 'acme', name: 'Acme' } })).status).toBe(201)
  const product = await h.json<{ id: string }>('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })
  expect(product.status).toBe(201)
  const contract = await h.json('POST', '/v1/contracts', {
    body: {
      customer: 'acme',
      currency: 'USD',
      start_date: '2024-06-01',
      cadence: 'monthly',
      backdated_invoices: 'finalize',
      phases: [
        {
          start_date: '2024-06-01',
          items: [{ product_id: product.body.id, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '100.00' } }],
        },
      ],
    },
  })
  expect(contract.status).toBe(201)
  expect((await h.json('POST', '/v1/rating/runs', { body: {} })).status).toBe(200)
  expect((await h.json('POST', '/v1/accounting/periods/2026-02/close')).status).toBe(200)
  cookie = await sessionOf(h.tally.app as unknown as Hono, TEST_KEY)
}, 120_000)
afterAll(async () => {
  await h?.close()
})

const html = (path: string) => consolePage(h, cookie, path)
const unescape = unescapeHref
/** The cells (th and td, tags stripped) of each row of the table with this id. */
const tableRows = (page: string, id: string) => {
  const start = page.indexOf(`id="${id}"`)
  expect(start).toBeGreaterThan(-1)
  const table = page.slice(start, page.indexOf('</table>', start))
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()))
    .slice(1)
}

describe("the console's month page: revenue recognised, deferred revenue, period close", () => {
  it("shows February's figures as the API answers them", async () => {
    const revenue = await h.json('GET', '/v1/accounting/reports/revenue?from=2026-02-01&to=2026-02-28&group_by=product')
    const waterfall = await h.json('GET', '/v1/accounting/reports/deferred-revenue?from=2026-02&to=2026-02')
    expect(revenue.body.data.length).toBeGreaterThan(0)
    expect(waterfall.body.data.length).toBeGreaterThan(0)
    const page = await html('/console/accounting/month?month=2026-02')

    expect(tableRows(page, 'revenue-table')).toEqual(
      revenue.body.data.map((r: { name: string; currency: string; revenue: string }) => [r.name, r.currency, r.revenue]),
    )
    const rows = tableRows(page, 'deferred-table')
    const data = waterfall.body.data as {
      invoice_id: string
      product: string
      method: string
      currency: string
      amount: string
      recognised: string
      deferred: string
      months: Record<string, string>
    }[]
    const totals = waterfall.body.totals as { currency: string; amount: string; recognised: string; deferred: string; months: Record<string, string> }[]
    expect(rows).toEqual([
      ...data.map((r) => [r.invoice_id.slice(0, 8), r.product, r.method, r.currency, r.months['2026-02'] ?? '', r.amount, r.recognised, r.deferred]),
      ...totals.map((t) => ['Total', t.currency, t.months['2026-02'] ?? '', t.amount, t.recognised, t.deferred]),
    ])
    expect(page).toMatch(/id="month-status">2026-02 is <strong>closed<\/strong> \(closed 2026-03-10 09:00:00 UTC by api_key:/)
    expect(tableRows(page, 'periods-table').map((r) => r.slice(0, 2))).toEqual([['2026-02', 'closed']])
  })

  it('says an open month is open, and links there from the accounting page', async () => {
    expect(await html('/console/accounting/month?month=2026-01')).toContain('id="month-status">2026-01 is <strong>open</strong>.')
    const accounting = await html('/console/accounting')
    expect(accounting).toContain('<a href="/console/accounting/month">')
    expect(accounting).toContain('<a href="/console/accounting/journal">')
  })
})

describe("the console's journal entries", () => {
  /** The ids of the entries on a page, and its page links. */
  const journal = (page: string) => {
    const section = page.slice(page.indexOf('id="journal-entries"'))
    return {
      ids: [...section.matchAll(/<tbody data-entry="([^"]+)">/g)].map((m) => m[1]),
      ...pagerLinks(section),
    }
  }

  it("pages the API's entries 20 at a time by its cursor, next and back", async () => {
    const all = (await h.json('GET', '/v1/accounting/journal-entries')).body.data.map((e: { id: string }) => e.id)
    // 43 entries: 22 invoices finalized (June 2024 to March 2026), each month's recognition up to February closed.
    expect(all).toHaveLength(43)
    const pages = [journal(await html('/console/accounting/journal'))]
    expect(pages[0]!.previous).toBeUndefined()
    while (pages[pages.length - 1]!.next !== undefined) pages.push(journal(await html(unescape(pages[pages.length - 1]!.next!))))
    expect(pages.map((p) => p.ids)).toEqual([all.slice(0, JOURNAL_ROWS), all.slice(JOURNAL_ROWS, 2 * JOURNAL_ROWS), all.slice(2 * JOURNAL_ROWS)])
    // Back from the last page, each previous page is the one read going forward.
    expect(journal(await html(unescape(pages[2]!.previous!)))).toEqual(pages[1])
    expect(journal(await html(unescape(pages[1]!.previous!)))).toEqual(pages[0])
  })

  it('shows each line as the API answers it', async () => {
    const entry = (await h.json('GET', '/v1/accounting/journal-entries?limit=1')).body.data[0]
    const page = await html('/console/accounting/journal')
    const body = page.slice(page.indexOf(`data-entry="${entry.id}"`), page.indexOf('</tbody>', page.indexOf(`data-entry="${entry.id}"`)))
    for (const l of entry.lines)
      expect(body).toMatch(
        new RegExp(
          `<td>${l.account}</td>[\\s\\S]*?<td class="num">${l.side === 'debit' ? l.amount : ''}</td><td class="num">${l.side === 'credit' ? l.amount : ''}</td>`,
        ),
      )
  })

  it('refuses a cursor it did not give (400 invalid_request), as the API', async () => {
    expect(await h.json('GET', '/v1/accounting/journal-entries?limit=5&cursor=bm9wZQ')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    })
    const res = await h.tally.app.request('/console/accounting/journal?cursor=bm9wZQ', { headers: { cookie, accept: 'text/html' } })
    expect(await res.text()).toContain('role="alert"')
  })
})
