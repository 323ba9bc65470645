// The console's list pages at the scale issue 21 names, 10,000 customers and 100,000 invoices,
// in-process over a whole embedded Tally (PGlite, or the Postgres server with
// TALLY_DATABASE_URL): one contract is made over the API and rated, then its rows are copied by
// SQL (customers, one contract each, ten invoices each, 30 % of them finalized and numbered);
// each page is then rendered as a signed-in browser would ask for it, five times, and the
// median and the slowest reported. Run: npx tsx test/bench/consolePages.ts
import { performance } from 'node:perf_hooks'
import type { Hono } from 'hono'
import { sql } from 'drizzle-orm'
import { sessionOf } from '../../console/consoleTestKit.ts'
import { fixedClock } from '../../platform/clock.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { openHarness, TEST_KEY } from '../support/tallyHarness.ts'

const CUSTOMERS = 10_000
const INVOICES_PER_CONTRACT = 10
const ROUNDS = 5

const env: Record<string, string> = process.env.TALLY_DATABASE_URL === undefined ? {} : { TALLY_DATABASE_URL: process.env.TALLY_DATABASE_URL }
const h = await openHarness(env, { clock: fixedClock('2026-03-10T09:00:00Z') })
try {
  const product = (await h.json('POST', '/v1/products', { body: { name: 'Seat', kind: 'non_metered' } })).body
  await h.json('POST', '/v1/customers', { body: { external_id: 'c-00000', name: 'Customer 00000', email: 'billing@c-00000.example' } })
  const contract = await h.json('POST', '/v1/contracts', {
    body: monthlyContract('c-00000', [usdItem(product.id, 'in_advance', { amount: '10.00' })], { start_date: '2026-03-01' }),
  })
  await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-03-05T00:00:00Z', contract_id: contract.body.id } })
  const db = h.tally.database.db
  const run = (text: string) => db.execute(sql.raw(text))
  const columns = async (table: string) =>
    (
      (await db.execute(
        sql`select column_name from information_schema.columns where table_name = ${table} and table_schema = current_schema() order by ordinal_position`,
      )) as unknown as { rows: { column_name: string }[] }
    ).rows.map((r) => r.column_name)
  /** `insert into table (cols) select <override or the template's column> from <from>`. */
  const copy = async (table: string, from: string, overrides: Record<string, string>) => {
    const cols = await columns(table)
    await run(`insert into ${table} (${cols.join(', ')}) select ${cols.map((c) => overrides[c] ?? `t.${c}`).join(', ')} from ${from}`)
  }
  const t0 = performance.now()
  await copy('customers', `customers t, generate_series(1, ${CUSTOMERS - 1}) n where t.external_id = 'c-00000'`, {
    id: 'gen_random_uuid()',
    external_id: "'c-' || lpad(n::text, 5, '0')",
    name: "'Customer ' || lpad(n::text, 5, '0')",
    email: "'billing@c-' || lpad(n::text, 5, '0') || '.example'",
  })
  await copy('contracts', `contracts t, customers c where t.id = '${contract.body.id}' and c.external_id <> 'c-00000'`, {
    id: 'gen_random_uuid()',
    customer_id: 'c.id',
  })
  const [template] = ((await run(`select id from invoices where contract_id = '${contract.body.id}' limit 1`)) as unknown as { rows: { id: string }[] }).rows
  await run(`delete from invoice_lines where invoice_id in (select id from invoices where contract_id = '${contract.body.id}' and id <> '${template!.id}')`)
  await run(`delete from invoices where contract_id = '${contract.body.id}' and id <> '${template!.id}'`)
  // Ten billing dates per contract (one a month from March 2026); every third or so finalized, numbered from 1000.
  await copy(
    'invoices',
    `invoices t, (select k.id as contract_id, k.customer_id, m, row_number() over () as r from contracts k, generate_series(0, ${INVOICES_PER_CONTRACT - 1}) m) s where t.id = '${template!.id}' and not (s.contract_id = t.contract_id and s.m = 0)`,
    {
      id: 'gen_random_uuid()',
      contract_id: 's.contract_id',
      customer_id: 's.customer_id',
      billing_date: "(t.billing_date + (s.m || ' months')::interval)::date",
      status: "case when s.r % 10 < 3 then 'finalized' else 'draft' end",
      number: 'case when s.r % 10 < 3 then 1000 + s.r else null end',
      finalized_at: 'case when s.r % 10 < 3 then t.rated_at else null end',
    },
  )
  const counts = (
    (await run(`select (select count(*) from customers) as customers, (select count(*) from invoices) as invoices`)) as unknown as { rows: unknown[] }
  ).rows[0]
  console.log(`seeded in ${Math.round(performance.now() - t0)} ms:`, counts, `(${h.tally.database.driver})`)
  await run('analyze')

  const cookie = await sessionOf(h.tally.app as unknown as Hono, TEST_KEY)
  const middleInvoice = ((await run(`select id from invoices order by id offset 50000 limit 1`)) as unknown as { rows: { id: string }[] }).rows[0]!.id
  const pages: [string, string][] = [
    ['customers, first page', '/console/customers'],
    ['customers, a page from c-05000', '/console/customers?after=c-05000'],
    ['customers, search "Customer 0999" (10 match)', '/console/customers?q=Customer%200999'],
    ['customers, search "nobody" (none)', '/console/customers?q=nobody'],
    ['invoices, first page', '/console/invoices'],
    ['invoices, the page after the 50,000th', `/console/invoices?after=${middleInvoice}`],
    ['invoices, finalized', '/console/invoices?status=finalized'],
    ['invoices, billed in 2026-08', '/console/invoices?billing_from=2026-08-01&billing_to=2026-08-31'],
    ['invoices, paid (none)', '/console/invoices?status=paid'],
  ]
  for (const [name, path] of pages) {
    const times: number[] = []
    let status = 0
    let rows = 0
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now()
      const res = await h.tally.app.request(path, { headers: { cookie, accept: 'text/html' } })
      const text = await res.text()
      times.push(performance.now() - start)
      status = res.status
      rows = (text.match(/<tr>/g) ?? []).length
    }
    times.sort((a, b) => a - b)
    console.log(`${name}: ${status}, ${rows} rows, median ${times[2]!.toFixed(0)} ms, slowest ${times[4]!.toFixed(0)} ms`)
  }
} finally {
  await h.close()
}
