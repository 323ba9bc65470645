// A QuickBooks Online connection over the ERP endpoints, in-process over PGlite: connected with
// its OAuth2 credentials (never answered), refused when malformed or when the account map leaves
// an account out (nothing stored), then a month of real postings (two invoices, a payment, a
// credit note, a void, the close's recognition journals) synced to the QuickBooks test server on
// 127.0.0.1 through a 429, a 500 and a dropped answer, each document once, with Tally's amounts.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERP_ADAPTERS } from '../../../connectors/erp/adapters.ts'
import { erpRoutes } from '../../../connectors/erp/http/erpRoutes.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { bookJune, syncFor } from '../drain/outboxFixture.ts'
import { useErpTestApp } from '../erpTestApp.ts'
import { QBO_CHART_MAP } from './qboPeer.ts'
import { startQboTestServer, type QboTestServer } from './qboTestServer.ts'
import { oauth2CredentialsOf } from '../erpTestServerKit.ts'
import { testNow } from '../../support/testLedger.ts'
import { systemClock } from '../../../platform/clock.ts'

const ACCOUNT_MAP = QBO_CHART_MAP

/** Call inside a describe block: the ERP test app, a QuickBooks test server, and a connection body for it. */
function useQuickBooks() {
  const api = useErpTestApp((erp) => erpRoutes({ clock: systemClock, erp, adapters: ERP_ADAPTERS, sync: syncFor(erp) }))
  const env = { api, server: undefined as unknown as QboTestServer }
  beforeAll(async () => {
    env.server = await startQboTestServer()
  })
  afterAll(async () => {
    await env.server?.close()
  })
  const connection = (overrides: Record<string, unknown> = {}) => ({
    type: 'quickbooks',
    tenant_id: env.server.realmId,
    base_url: env.server.baseUrl,
    credentials: oauth2CredentialsOf(env.server),
    settings: { token_url: env.server.tokenUrl },
    account_map: ACCOUNT_MAP,
    ...overrides,
  })
  return { env, connection }
}

describe('QuickBooks Online over the ERP endpoints', () => {
  const { env, connection } = useQuickBooks()
  const api = env.api
  const stored = async () => (await queryRows<{ n: number }>(api.handle.db, sql`select count(*)::int as n from erp_connections`))[0]!.n
  const queued = async () => (await queryRows<{ n: number }>(api.handle.db, sql`select count(*)::int as n from erp_outbox`))[0]!.n

  it('malformed credentials or settings → 400 naming the fields, never the values; an incomplete account map → 422; nothing stored', async () => {
    const bad = await api.call(
      'POST',
      '/v1/erp/connections',
      connection({ credentials: { client_id: 'c', client_secret: 'hunter2-secret', expires_at: 'soon' } }),
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_credentials')
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'credentials.access_token',
      'credentials.refresh_token',
      'credentials.expires_at',
    ])
    expect(bad.text).not.toContain('hunter2-secret')
    const settings = await api.call('POST', '/v1/erp/connections', connection({ settings: { minor_version: 'latest', realm: 'x' } }))
    expect(settings.status).toBe(400)
    expect(settings.body.error.details.map((d: { field: string }) => d.field)).toEqual(['settings.minor_version', 'settings'])
    const { '4100': _usage, ...partial } = ACCOUNT_MAP
    const incomplete = await api.call('POST', '/v1/erp/connections', connection({ account_map: partial }))
    expect(incomplete.status).toBe(422)
    expect(incomplete.body.error).toMatchObject({ code: 'erp_mapping_incomplete', details: [{ field: 'account_map.4100' }] })
    expect(await stored()).toBe(0)
  })

  it('an account map without the item of a revenue account → 422 naming account_map.item.<code> and its products; nothing stored, nothing queued', async () => {
    await api.ledger.accounts.ensureChart(api.f.orgId, testNow())
    await api.ledger.accounts.mapProduct({ now: testNow(), orgId: api.f.orgId, productId: api.f.products.seats, accountCode: '4000' })
    const { 'item.4000': _seats, ...itemless } = ACCOUNT_MAP
    const refused = await api.call('POST', '/v1/erp/connections', connection({ account_map: itemless }))
    expect(refused.status).toBe(422)
    expect(refused.body.error).toMatchObject({
      code: 'erp_mapping_incomplete',
      details: [
        {
          field: 'account_map.item.4000',
          code: 'erp_item_unmapped',
          message: 'account 4000 Subscription revenue has no ERP item for its invoice lines (products Seats post to it)',
        },
      ],
    })
    expect(await stored()).toBe(0)
    expect(await queued()).toBe(0)
  })

  it('connects, syncs a month of postings once each through faults, and answers no secret', async () => {
    const created = await api.call('POST', '/v1/erp/connections', connection())
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ type: 'quickbooks', tenant_id: env.server.realmId, settings: { token_url: env.server.tokenUrl, minor_version: '75' } })
    for (const secret of [env.server.clientSecret, env.server.initialTokens.accessToken, env.server.initialTokens.refreshToken])
      expect(created.text).not.toContain(secret)
    // Replacing the map is checked as at connect: an item left out is refused and the stored map stays.
    const { 'item.4900': _discounts, ...itemless } = ACCOUNT_MAP
    const put = await api.call('PUT', `/v1/erp/connections/${created.body.id}/account-map`, { account_map: itemless })
    expect([put.status, put.body.error.code, put.body.error.details.map((d: { field: string }) => d.field)]).toEqual([
      422,
      'erp_mapping_incomplete',
      ['account_map.item.4900'],
    ])
    expect((await api.call('GET', '/v1/erp/connections')).body.data[0].account_map).toEqual(ACCOUNT_MAP)
    const { a, journals } = await bookJune(api.ledger, api.f, api.handle.db)
    expect(journals).toBeGreaterThan(0)

    // Through a 429 (Retry-After 1 s), a 500 and an answer dropped after QuickBooks stored the document.
    env.server.faults.rateLimit(1, 1)
    env.server.faults.serverError(1)
    env.server.faults.dropAfterCommit(1)
    const synced = await api.call('POST', `/v1/erp/connections/${created.body.id}/sync`)
    expect(synced.body).toEqual({ sent: 6 + journals, retried: 3, failed: 0 })
    const { books } = env.server
    expect([books.customers.size, books.invoices.size, books.creditMemos.size, books.journals.size]).toEqual([1, 2, 1, journals])
    // Invoice a: 60.00 − 25.00 paid − 10.00 credited (a zero payment applying the credit memo) = 25.00 open; b is void.
    const invoiceA = [...books.invoices.values()].find((i) => i.element.PrivateNote === `Tally ${a}`)!
    expect([invoiceA.total.toFixed(2), invoiceA.balance.toFixed(2), invoiceA.voided]).toEqual(['60.00', '25.00', false])
    // QuickBooks writes "Voided" over a voided invoice's PrivateNote, so b is the other invoice.
    expect([...books.invoices.values()].filter((i) => i !== invoiceA).map((i) => [i.total.toFixed(2), i.voided])).toEqual([['40.00', true]])
    expect([...books.payments.values()].map((p) => p.TotalAmt)).toEqual(['25', '0'])
    expect(env.server.requests.filter((r) => r.method === 'POST').every((r) => r.requestId !== null)).toBe(true)

    // Syncing again sends nothing: every document is in QuickBooks once.
    expect((await api.call('POST', `/v1/erp/connections/${created.body.id}/sync`)).body).toEqual({ sent: 0, retried: 0, failed: 0 })
    const status = await api.call('GET', `/v1/erp/connections/${created.body.id}/status`)
    expect(status.body.counts).toEqual({ pending: 0, sent: 6 + journals, failed: 0 })
  })
})

describe('QuickBooks Online: documents of a billing entity with prefixes', () => {
  const { env, connection } = useQuickBooks()
  const api = env.api

  it("sends the display number as DocNumber: the longest prefix and 6 digits fit QuickBooks' 21 characters", async () => {
    const entity = await api.ledger.billingEntities.create({
      now: testNow(),
      orgId: api.f.orgId,
      name: 'Acme Holdings',
      invoicePrefix: 'ACME-INV-2024-/',
      creditNotePrefix: 'CN/',
    })
    await api.ledger.customers.update({ orgId: api.f.orgId, externalId: 'acme', billingEntityId: entity.id })
    const created = await api.call('POST', '/v1/erp/connections', connection())
    expect(created.status).toBe(201)
    await bookJune(api.ledger, api.f, api.handle.db)
    expect((await api.call('POST', `/v1/erp/connections/${created.body.id}/sync`)).body.failed).toBe(0)
    const numbers = (m: Map<string, { element: Record<string, unknown> }>) => [...m.values()].map((s) => s.element.DocNumber).sort()
    expect(numbers(env.server.books.invoices)).toEqual(['ACME-INV-2024-/000001', 'ACME-INV-2024-/000002'])
    expect(numbers(env.server.books.creditMemos)).toEqual(['CN/000001'])
  })
})
