// A NetSuite connection over the ERP endpoints, in-process over PGlite: connected with its
// token-based auth credentials (never answered), then a month of real postings (two invoices, a
// payment, a credit note, a void, the close's recognition journals) synced to the NetSuite test
// server on 127.0.0.1 in dependency order, through a 429, a 500 and a dropped answer, each record
// once, with Tally's amounts.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERP_ADAPTERS } from '../../../connectors/erp/adapters.ts'
import { erpRoutes } from '../../../connectors/erp/http/erpRoutes.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { bookJune, syncFor } from '../drain/outboxFixture.ts'
import { useErpTestApp } from '../erpTestApp.ts'
import { NETSUITE_CHART_MAP as ACCOUNT_MAP } from './netsuitePeer.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer } from './netsuiteTestServer.ts'
import { systemClock } from '../../../platform/clock.ts'

const t = useErpTestApp((erp) => erpRoutes({ clock: systemClock, erp, adapters: ERP_ADAPTERS, sync: syncFor(erp) }))
const { call } = t
const count = async (table: 'erp_connections' | 'erp_outbox') =>
  (await queryRows<{ n: number }>(t.handle.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n

describe('NetSuite over the ERP endpoints', () => {
  let server: NetSuiteTestServer
  beforeAll(async () => {
    server = await startNetSuiteTestServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  const connection = (overrides: Record<string, unknown> = {}) => ({
    type: 'netsuite',
    tenant_id: server.accountId,
    base_url: server.baseUrl,
    credentials: {
      consumer_key: server.credentials.consumerKey,
      consumer_secret: server.credentials.consumerSecret,
      token_id: server.credentials.tokenId,
      token_secret: server.credentials.tokenSecret,
    },
    settings: { subsidiary: '1', currencies: 'USD:1,EUR:4' },
    account_map: ACCOUNT_MAP,
    ...overrides,
  })

  it('malformed token-based credentials and settings → 400 naming the fields, never the values', async () => {
    const bad = await call('POST', '/v1/erp/connections', connection({ credentials: { consumer_key: 'hunter2-secret', token_id: 'x' } }))
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_credentials')
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'credentials.consumer_key',
      'credentials.consumer_secret',
      'credentials.token_id',
      'credentials.token_secret',
    ])
    expect(bad.text).not.toContain('hunter2-secret')
    const settings = await call('POST', '/v1/erp/connections', connection({ settings: { subsidiary: 'one', currencies: 'USD=1' } }))
    expect(settings.body.error.details.map((d: { field: string }) => d.field)).toEqual(['settings.subsidiary', 'settings.currencies'])
    // Items are named in the account map, as QuickBooks' are: a settings list of them is refused.
    const listed = await call('POST', '/v1/erp/connections', connection({ settings: { subsidiary: '1', currencies: 'USD:1', items: '4000:21' } }))
    expect([listed.status, listed.body.error.code]).toEqual([400, 'invalid_settings'])
  })

  it('an account map without the item of a revenue account → 422 naming account_map.item.<code>; nothing stored, nothing queued', async () => {
    const { 'item.4000': _subscriptions, ...itemless } = ACCOUNT_MAP
    const refused = await call('POST', '/v1/erp/connections', connection({ account_map: itemless }))
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatchObject({ code: 'erp_mapping_incomplete', details: [{ field: 'account_map.item.4000', code: 'erp_item_unmapped' }] })
    expect(await count('erp_connections')).toBe(0)
    expect(await count('erp_outbox')).toBe(0)
  })

  it('connects, syncs a month of postings once each in dependency order, and answers no secret', async () => {
    const created = await call('POST', '/v1/erp/connections', connection())
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ type: 'netsuite', tenant_id: '1234567_SB1', settings: { subsidiary: '1', concurrency: '5' } })
    for (const secret of Object.values(server.credentials)) expect(created.text).not.toContain(secret)
    // Replacing the map is checked as at connect: an item left out is refused and the stored map stays.
    const { 'item.4100': _usage, ...itemless } = ACCOUNT_MAP
    const put = await call('PUT', `/v1/erp/connections/${created.body.id}/account-map`, { account_map: itemless })
    expect([put.status, put.body.error.code, put.body.error.details.map((d: { field: string }) => d.field)]).toEqual([
      422,
      'erp_mapping_incomplete',
      ['account_map.item.4100'],
    ])
    expect((await call('GET', '/v1/erp/connections')).body.data[0].account_map).toEqual(ACCOUNT_MAP)
    const { a, b, journals } = await bookJune(t.ledger, t.f, t.handle.db)
    expect(journals).toBeGreaterThan(0)

    // Through a 429 (Retry-After 1 s), a 500 and an answer dropped after NetSuite stored the record.
    server.faults.rateLimit(1, 1)
    server.faults.serverError(1)
    server.faults.dropAfterCommit(1)
    const synced = await call('POST', `/v1/erp/connections/${created.body.id}/sync`)
    expect(synced.body).toEqual({ sent: 6 + journals, retried: 3, failed: 0 })
    const { books } = server
    expect([books.of('customer').length, books.of('invoice').length, books.of('customerPayment').length, books.of('journalEntry').length]).toEqual([
      1,
      2,
      1,
      journals,
    ])
    // Invoice a: 60.00 − 25.00 paid − 10.00 credited = 25.00 remaining; b is voided by a credit memo of its 40.00.
    const invoiceA = books.byExternal('invoice', `tally-invoice-${a}`)!
    expect([invoiceA.total.toFixed(2), invoiceA.remaining.toFixed(2)]).toEqual(['60.00', '25.00'])
    const invoiceB = books.byExternal('invoice', `tally-invoice-${b}`)!
    expect(books.invoiceState(invoiceB.id)).toBe('void')
    expect(books.byExternal('creditMemo', `tally-void-${b}`)!.total.toFixed(2)).toBe('40.00')

    // Syncing again sends nothing: every record is in NetSuite once.
    expect((await call('POST', `/v1/erp/connections/${created.body.id}/sync`)).body).toEqual({ sent: 0, retried: 0, failed: 0 })
    const status = await call('GET', `/v1/erp/connections/${created.body.id}/status`)
    expect(status.body.counts).toEqual({ pending: 0, sent: 6 + journals, failed: 0 })
  })
})
