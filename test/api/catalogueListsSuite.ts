// The catalogue's lists over HTTP on a whole embedded Tally (the given Postgres): products and
// plans a page at a time in name order (`limit`, the opaque `cursor` of GET /v1/events), every
// row once across pages even when rows are added between them; a cursor this endpoint did not
// return is 400 `invalid_request`; `q` keeps those whose name contains it. Customers searched by name, e-mail or external id (`q`),
// case-insensitively, `%` and `_` in the text matching only themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

type Page = { data: { id: string; name: string }[]; next_cursor: string | null }

/** Every page of a list, following `next_cursor`; `between` runs after the first page. */
async function allPages(h: Harness, path: string, limit: number, between: () => Promise<void> = async () => {}): Promise<{ names: string[]; pages: number }> {
  const names: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res: { status: number; body: Page } = await h.json<Page>(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`,
    )
    expect(res.status).toBe(200)
    names.push(...res.body.data.map((r) => r.name))
    cursor = res.body.next_cursor
    pages += 1
    if (pages === 1) await between()
  } while (cursor !== null)
  return { names, pages }
}

export function describeCatalogueListsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`catalogue lists over HTTP: ${name}`, () => {
    let h: Harness
    let productId = ''
    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-03-10T09:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
    })
    afterAll(async () => {
      await h?.close()
    })
    const product = async (productName: string) => {
      const res = await h.json('POST', '/v1/products', { body: { name: productName, kind: 'non_metered' } })
      expect(res.status).toBe(201)
      return res.body.id as string
    }
    const plan = async (planName: string) => {
      const item = { product_id: productId, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '10.00' } }
      expect((await h.json('POST', '/v1/plans', { body: { name: planName, currency: 'USD', items: [item] } })).status).toBe(201)
    }

    it('pages products in name order, each once, a product added behind the cursor not repeated', async () => {
      for (const n of ['p-c', 'p-a', 'p-e', 'p-b', 'p-d']) productId = await product(n)
      const { names, pages } = await allPages(h, '/v1/products', 2, async () => {
        await product('p-0') // sorts before the first page's last row: not on a later page
        await product('p-f') // after it: on the last page
      })
      expect(names).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f'])
      expect(pages).toBe(3)
      const whole = await h.json<Page>('GET', '/v1/products')
      expect(whole.body.data.map((p) => p.name)).toEqual(['p-0', 'p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f'])
      expect(whole.body.next_cursor).toBeNull()
    })

    it('pages plans in name order; the last page says so', async () => {
      for (const n of ['plan-2', 'plan-3', 'plan-1']) await plan(n)
      expect(await allPages(h, '/v1/plans', 1)).toEqual({ names: ['plan-1', 'plan-2', 'plan-3'], pages: 3 })
      const exact = await h.json<Page>('GET', '/v1/plans?limit=3')
      expect(exact.body).toMatchObject({ next_cursor: null })
      expect(exact.body.data).toHaveLength(3)
    })

    it('filters products and plans by a part of the name, in any case, across pages; % and _ taken literally', async () => {
      await product('Seats_EU')
      await product('SeatsXEU')
      const named = async (path: string, q: string, limit = 1000) => (await allPages(h, `${path}?q=${encodeURIComponent(q)}`, limit)).names
      expect(await named('/v1/products', 'P-')).toEqual(['p-0', 'p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f'])
      expect(await named('/v1/products', 'P-', 4)).toEqual(['p-0', 'p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f'])
      expect(await named('/v1/products', 's_e')).toEqual(['Seats_EU']) // as a LIKE wildcard, _ would also match SeatsXEU
      expect(await named('/v1/products', '%')).toEqual([]) // no name may hold %: as a wildcard it would match every one
      expect(await named('/v1/plans', 'PLAN-2')).toEqual(['plan-2'])
    })

    it('searches customers by name, e-mail or external id, case-insensitively, wildcards in the text taken literally', async () => {
      const customers: [string, string, string | null][] = [
        ['c-1', 'Acme Corp', 'billing@acme.example'],
        ['c-2', '100% Organic', null],
        ['c-3', 'Under_Score Ltd', 'ap@under.example'],
        ['c-4', 'UnderXScore', null],
        ['globex-acme-eu', 'Globex', 'ap@globex.example'],
      ]
      for (const [id, customerName, email] of customers)
        expect((await h.json('POST', '/v1/customers', { body: { external_id: id, name: customerName, ...(email === null ? {} : { email }) } })).status).toBe(
          201,
        )
      const search = async (q: string, extra = '') => {
        const res = await h.json<{ data: { external_id: string }[]; next_after: string | null }>('GET', `/v1/customers?q=${encodeURIComponent(q)}${extra}`)
        expect(res.status).toBe(200)
        return res.body.data.map((c) => c.external_id)
      }
      expect(await search('ACME')).toEqual(['acme', 'c-1', 'globex-acme-eu']) // acme's name, Acme Corp, an external id
      expect(await search('globex.EXAMPLE')).toEqual(['globex-acme-eu']) // an e-mail
      expect(await search('%')).toEqual(['c-2'])
      expect(await search('r_s')).toEqual(['c-3']) // as a LIKE wildcard, _ would also match UnderXScore
      expect(await search('\\')).toEqual([])
      expect(await search("' or 1=1 --")).toEqual([])
      expect(await search('  ')).toHaveLength(6) // empty: every customer
      const first = await h.json<{ data: { external_id: string }[]; next_after: string }>('GET', '/v1/customers?q=acme&limit=2')
      expect(first.body).toEqual({
        data: [expect.objectContaining({ external_id: 'acme' }), expect.objectContaining({ external_id: 'c-1' })],
        next_after: 'c-1',
      })
      expect(await search('acme', '&limit=2&after=c-1')).toEqual(['globex-acme-eu'])
    })

    it('refuses a cursor it did not return and a limit out of range (400 invalid_request)', async () => {
      const forged = Buffer.from(JSON.stringify(['p-a', "x' or 1=1 --"])).toString('base64url')
      for (const query of ['cursor=not-a-cursor', `cursor=${forged}`, 'limit=0', 'limit=1001']) {
        for (const path of ['/v1/products', '/v1/plans']) {
          const res = await h.json('GET', `${path}?${query}`)
          expect({ path, query, status: res.status, code: res.body.error.code }).toEqual({ path, query, status: 400, code: 'invalid_request' })
        }
      }
    })
  })
}
