// The ERP endpoints in-process over PGlite with the platform's error handler: the 4xx cases
// (nothing written), credentials never answered and never stored in the clear, then status,
// sync against a Xero test server on 127.0.0.1, a parked document, its fix and retry.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERP_ADAPTERS } from '../../../connectors/erp/adapters.ts'
import { createErpSync } from '../../../connectors/erp/drain/erpSync.ts'
import { erpRoutes } from '../../../connectors/erp/http/erpRoutes.ts'
import { createPostingFixture, type PostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import type { Ledger } from '../../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../../ledger/ledgerMigrationsFolder.ts'
import { systemClock } from '../../../platform/clock.ts'
import type { AppEnv } from '../../../platform/http/appEnv.ts'
import { handleError } from '../../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../../platform/postgres/database.ts'
import { migrateDatabase } from '../../../platform/postgres/migrate.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { createTestLedger } from '../../support/testLedger.ts'
import { startXeroTestServer, type XeroTestServer } from '../xero/xeroTestServer.ts'
import { ACCOUNT_MAP, bookJune, erpStoreFor, newSecretKey } from './outboxFixture.ts'
import { oauth2CredentialsOf } from '../erpTestServerKit.ts'

describe('ERP routes', () => {
  let dir: string
  let handle: DatabaseHandle
  let ledger: Ledger
  let f: PostingFixture
  let server: XeroTestServer
  const apps: Record<'keyed' | 'keyless', Hono<AppEnv>> = {} as never
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-erp-routes-'))
    handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    ledger = createTestLedger(handle.db)
    f = await createPostingFixture(ledger)
    server = await startXeroTestServer()
    for (const [name, key] of [
      ['keyed', newSecretKey()],
      ['keyless', undefined],
    ] as const) {
      const erp = erpStoreFor(handle.db, key as string)
      const app = new Hono<AppEnv>()
      app.onError(handleError(pino({ level: 'silent' })))
      app.use(async (c, next) => {
        c.set('principal', { kind: 'api_key', orgId: f.orgId, keyId: 'key-1' })
        await next()
      })
      app.route(
        '/',
        erpRoutes({
          clock: systemClock,
          erp,
          adapters: ERP_ADAPTERS,
          sync: createErpSync({ erp, adapters: ERP_ADAPTERS, clock: systemClock, logger: pino({ level: 'silent' }) }),
        }),
      )
      apps[name] = app
    }
  })
  afterAll(async () => {
    await server?.close()
    await handle?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const call = async (method: string, path: string, body?: unknown, app: 'keyed' | 'keyless' = 'keyed') => {
    const res = await apps[app].request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, text, body: JSON.parse(text) }
  }
  const connect = (overrides: Record<string, unknown> = {}) => ({
    type: 'xero',
    tenant_id: server.tenantId,
    base_url: server.baseUrl,
    credentials: oauth2CredentialsOf(server),
    settings: { base_currency: 'USD', token_url: server.tokenUrl },
    account_map: ACCOUNT_MAP,
    ...overrides,
  })
  const connections = async () => (await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from erp_connections`))[0]!.n

  it('bad input: unknown type, credentials of another type, malformed credentials, incomplete map, no secret key; each a code, nothing stored', async () => {
    expect((await call('POST', '/v1/erp/connections', connect({ type: 'sap' }))).body.error).toMatchObject({ code: 'unknown_erp_type' })
    // NetSuite takes token-based auth, not Xero's OAuth2 tokens.
    const netsuite = await call('POST', '/v1/erp/connections', connect({ type: 'netsuite' }))
    expect([netsuite.status, netsuite.body.error.code]).toEqual([400, 'invalid_credentials'])
    const malformed = await call('POST', '/v1/erp/connections', connect({ credentials: { client_id: 'c', client_secret: 'hunter2-secret' } }))
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('invalid_credentials')
    expect(malformed.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'credentials.access_token',
      'credentials.refresh_token',
      'credentials.expires_at',
    ])
    expect(malformed.text).not.toContain('hunter2-secret')
    const { '4100': _usage, ...withoutUsage } = ACCOUNT_MAP
    const unmapped = await call('POST', '/v1/erp/connections', connect({ account_map: withoutUsage }))
    expect(unmapped.status).toBe(422)
    expect(unmapped.body.error).toMatchObject({ code: 'erp_mapping_incomplete', details: [{ field: 'account_map.4100', code: 'erp_account_unmapped' }] })
    const keyless = await call('POST', '/v1/erp/connections', connect(), 'keyless')
    expect([keyless.status, keyless.body.error.code]).toEqual([503, 'secret_key_missing'])
    expect(await connections()).toBe(0)
  })

  it('connect, list without secrets, sync, status per document; a parked refusal is fixed and retried', async () => {
    const created = await call('POST', '/v1/erp/connections', connect())
    expect(created.status).toBe(201)
    const id = created.body.id
    const listed = await call('GET', '/v1/erp/connections')
    for (const secret of [server.clientSecret, server.initialTokens.accessToken, server.initialTokens.refreshToken]) {
      expect(created.text).not.toContain(secret)
      expect(listed.text).not.toContain(secret)
      expect(JSON.stringify(await queryRows(handle.db, sql`select * from erp_connections`))).not.toContain(secret)
    }
    expect(listed.body.data).toHaveLength(1)
    expect(Object.keys(listed.body.data[0]).sort()).toEqual(['account_map', 'base_url', 'created_at', 'id', 'settings', 'status', 'tenant_id', 'type'])

    // Xero refuses a deferred-revenue line while 2100 maps to an account it does not know: the
    // invoices park with Xero's message; the payment and credit note wait behind them.
    await call('PUT', `/v1/erp/connections/${id}/account-map`, { account_map: { ...ACCOUNT_MAP, '2100': '999' } })
    const { journals } = await bookJune(ledger, f, handle.db)
    const first = await call('POST', `/v1/erp/connections/${id}/sync`)
    expect(first.body).toMatchObject({ failed: 2 + journals })
    const parked = await call('GET', `/v1/erp/connections/${id}/status`)
    expect(parked.body.counts).toEqual({ pending: 3, sent: 1, failed: 2 + journals })
    expect(parked.body.last_errors[0].last_error).toMatch(/999/)

    await call('PUT', `/v1/erp/connections/${id}/account-map`, { account_map: ACCOUNT_MAP })
    expect((await call('POST', `/v1/erp/connections/${id}/retry`)).body).toEqual({ requeued: 2 + journals })
    expect((await call('POST', `/v1/erp/connections/${id}/sync`)).body).toEqual({ sent: 5 + journals, retried: 0, failed: 0 })
    const done = await call('GET', `/v1/erp/connections/${id}/status`)
    expect(done.body.counts).toEqual({ pending: 0, sent: 6 + journals, failed: 0 })
    expect(done.body.documents.every((d: { erp_id: string | null }) => d.erp_id !== null)).toBe(true)
    expect((await call('GET', `/v1/erp/connections/00000000-0000-0000-0000-000000000000/status`)).body.error.code).toBe('erp_connection_not_found')
  })
})
