// The ERP endpoints in-process over a fresh PGlite ledger, for a suite that connects an ERP
// over the API: one organisation (the posting fixture's), a secret key, the platform's error
// handler, and `call` answering status, text and parsed body.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { ERP_ADAPTERS } from '../../connectors/erp/adapters.ts'
import { erpRoutes } from '../../connectors/erp/http/erpRoutes.ts'
import { createPostingFixture, type PostingFixture } from '../../ledger/accounting/postingFixture.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createTestLedger } from '../support/testLedger.ts'
import { erpStoreFor, newSecretKey, syncFor } from './drain/outboxFixture.ts'

export interface ErpApi {
  handle: DatabaseHandle
  ledger: Ledger
  f: PostingFixture
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: Record<string, any> }>
}

/** Opens the ledger and the routes before the suite's tests and closes them after; the fields are set once `beforeAll` ran. */
export function useErpApi(name: string): ErpApi {
  let dir: string
  let app: Hono<AppEnv>
  const api = {
    async call(method: string, path: string, body?: unknown) {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, text, body: JSON.parse(text) as Record<string, any> }
    },
  } as ErpApi
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `tally-${name}-`))
    api.handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(api.handle, ledgerMigrationsFolder)
    api.ledger = createTestLedger(api.handle.db)
    api.f = await createPostingFixture(api.ledger)
    const erp = erpStoreFor(api.handle.db, newSecretKey())
    app = new Hono<AppEnv>()
    app.onError(handleError(pino({ level: 'silent' })))
    app.use(async (c, next) => {
      c.set('principal', { kind: 'api_key', orgId: api.f.orgId, keyId: 'key-1' })
      await next()
    })
    app.route('/', erpRoutes({ erp, adapters: ERP_ADAPTERS, sync: syncFor(erp) }))
  })
  afterAll(async () => {
    await api.handle?.close()
    await rm(dir, { recursive: true, force: true })
  })
  return api
}
