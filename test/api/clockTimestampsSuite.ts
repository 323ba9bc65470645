// Rows carry the injected clock's time, never the database's: a whole embedded Tally on a fixed
// clock years from today (2031-03-05T10:00:00Z) creates everything a month's billing touches over
// HTTP (organisation, API key, currency, billing entity, tax rate, raw and billable metrics,
// customer, product, plan, contract, a rating run, a finalized invoice, a payment, a credit note,
// a credit grant and its top-up, an account, a webhook endpoint, a console session), then every
// `created_at` / `updated_at` the API answers and every one the tables hold must be that instant.
// Before the clock was threaded through (migration 0032), 25 columns took the database's now().
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { queryRows } from '../../platform/postgres/queryRows.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { type Harness, openHarness, REFERENCE_ORG, TEST_KEY } from '../support/tallyHarness.ts'

const NOW = '2031-03-05T10:00:00.000Z'

export function describeClockTimestampsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`row timestamps follow the clock: ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await openHarness({ ...(await env()), TALLY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }, { clock: fixedClock(NOW) })
    })
    afterAll(async () => {
      await h?.close()
    })

    const created = async (method: string, path: string, body: object, status = 201) => {
      const answer = await h.json(method, path, { body })
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(status)
      return answer.body
    }

    it('every created_at and updated_at, answered and stored, is the clock time', async () => {
      const answered: Record<string, unknown> = {}
      const admin = { authorization: `Bearer ${h.tally.adminToken}` }
      const org = await h.json('POST', '/v1/organisations', { body: { name: 'Clocked' }, headers: admin })
      expect(org.status).toBe(201)
      answered.organisation = org.body.created_at
      const key = await h.json('POST', `/v1/organisations/${REFERENCE_ORG}/api-keys`, { body: { name: 'ci' }, headers: admin })
      expect(key.status).toBe(201)
      answered.api_key = key.body.created_at
      answered.currency = (await created('POST', '/v1/currencies', { code: 'CREDITS', name: 'Credits', precision: 2 })).created_at
      answered.billing_entity = (await created('POST', '/v1/billing-entities', { name: 'Acme Ltd', invoice_prefix: 'AC-' })).created_at
      answered.tax_rate = (await created('POST', '/v1/tax-rates', { name: 'VAT', percentage: '20', type: 'exclusive', jurisdiction: 'GB' })).created_at
      answered.raw_metric = (await created('POST', '/v1/raw-metrics', { name: 'api_calls' })).created_at
      const metric = await created('POST', '/v1/billable-metrics', {
        name: 'api_call_count',
        unit: 'call',
        mode: 'builder',
        builder: { raw_metric: 'api_calls', customer_column: 'customer_id', aggregation: 'COUNT', filters: [], group_by: [] },
      })
      answered.billable_metric = metric.created_at
      answered.billable_metric_updated = (await h.json('GET', '/v1/billable-metrics')).body.data[0].updated_at
      answered.customer = (await created('POST', '/v1/customers', { external_id: 'acme', name: 'Acme' })).created_at
      const product = await created('POST', '/v1/products', { name: 'Seats', kind: 'non_metered' })
      answered.product = product.created_at
      const items = [usdItem(product.id, 'in_advance', { amount: '150.00' })]
      answered.plan = (await created('POST', '/v1/plans', { name: 'Pro', currency: 'USD', items })).created_at
      const contract = await created('POST', '/v1/contracts', monthlyContract('acme', items, { start_date: '2031-03-01' }))
      answered.contract = contract.created_at
      await created('POST', '/v1/rating/runs', { contract_id: contract.id }, 200)
      const [draft] = (await h.json('GET', `/v1/invoices?contract_id=${contract.id}`)).body.data
      const invoice = await created('POST', `/v1/invoices/${draft.id}/finalize`, {}, 200)
      answered.invoice = invoice.created_at
      const line = (await h.json('GET', `/v1/invoices/${draft.id}`)).body.lines[0].id
      answered.credit_note = (
        await created('POST', `/v1/invoices/${draft.id}/credit-notes`, { reason: 'billing_error', lines: [{ invoice_line_id: line, amount: '50.00' }] })
      ).created_at
      answered.payment = (
        await created('POST', `/v1/invoices/${draft.id}/payments`, { amount: '100.00', currency: 'USD', paid_on: '2031-03-05', method: 'bank_transfer' })
      ).created_at
      const grant = await created('POST', '/v1/customers/acme/credits', { amount: '10.00', effective_date: '2031-03-05' })
      answered.credit_grant = grant.created_at
      answered.credit_top_up = (await created('POST', `/v1/credits/${grant.id}/top_up`, { amount: '5.00' })).entries.at(-1).created_at
      answered.account = (await created('POST', '/v1/accounting/accounts', { code: '4150', name: 'API revenue', type: 'revenue' })).created_at
      answered.webhook_endpoint = (
        await created('POST', '/v1/webhooks/endpoints', { url: 'https://hooks.example/tally', event_types: ['invoice.finalized'] })
      ).created_at
      expect(answered).toEqual(Object.fromEntries(Object.keys(answered).map((k) => [k, NOW])))

      // A console session, signed in through the form.
      const form = await h.tally.app.request('/console/sign-in')
      const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
      const signedIn = await h.tally.app.request('/console/sign-in', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, api_key: TEST_KEY, organisation: '' }).toString(),
      })
      expect(signedIn.status).toBe(303)

      // Every timestamp column of every row written is the clock's (nothing took the database's now()).
      const db = h.tally.database.db
      const columns = await queryRows<{ table_name: string; column_name: string }>(
        db,
        sql`select table_name, column_name from information_schema.columns
            where table_schema = current_schema() and column_name in ('created_at', 'updated_at')
            order by table_name, column_name`,
      )
      const stored: Record<string, { rows: number; other: string[] }> = {}
      for (const { table_name: table, column_name: column } of columns) {
        const [row] = await queryRows<{ rows: number; other: string[] | null }>(
          db,
          sql`select count(*)::int as rows,
                     array_agg(distinct ${sql.identifier(column)}::text) filter (where ${sql.identifier(column)} <> ${NOW}::timestamptz) as other
              from ${sql.identifier(table)}`,
        )
        if (row!.rows > 0) stored[`${table}.${column}`] = { rows: row!.rows, other: row!.other ?? [] }
      }
      const wrong = Object.entries(stored).filter(([, s]) => s.other.length > 0)
      expect(wrong).toEqual([])
      // What the run wrote is among them: the ledger's documents, the journal, the ERP-free outbox of webhooks.
      for (const table of [
        'organisations',
        'api_keys',
        'customers',
        'contracts',
        'invoices',
        'payments',
        'credit_notes',
        'journal_entries',
        'accounts',
        'credit_grants',
        'credit_grant_entries',
        'console_sessions',
        'webhook_endpoints',
        'billable_metric_versions',
      ])
        expect(Object.keys(stored), table).toContain(`${table}.created_at`)
    })
  })
}
