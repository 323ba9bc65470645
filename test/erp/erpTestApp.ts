// ERP route modules in-process over PGlite, for a test file: a migrated ledger with a posting
// fixture (an organisation, products, the customer acme), an ERP store sealing with a fresh
// key, and a Hono app with the platform's error handler whose requests are the fixture
// organisation's API key, so statuses and error bodies are the ones clients get.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { createPostingFixture, type PostingFixture } from '../../ledger/accounting/postingFixture.ts'
import type { ErpStore } from '../../ledger/erpStore.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createTestLedger } from '../support/testLedger.ts'
import { erpStoreFor, newSecretKey } from './drain/outboxFixture.ts'

export interface ErpAnswer {
  status: number
  type: string
  text: string
  /** The parsed JSON body; null for anything else (CSV). */
  body: any
}

export interface ErpTestApp {
  handle: DatabaseHandle
  ledger: Ledger
  erp: ErpStore
  f: PostingFixture
  call(method: string, path: string, body?: unknown): Promise<ErpAnswer>
}

/** Call at a test file's top level with the routes to serve: opened before the file's tests, closed after them. */
export function useErpTestApp(routes: (erp: ErpStore) => OpenAPIHono<AppEnv>): ErpTestApp {
  let dir: string | undefined
  let opened: (Omit<ErpTestApp, 'call'> & { app: Hono<AppEnv> }) | undefined
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-erp-app-'))
    const handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    const ledger = createTestLedger(handle.db)
    const f = await createPostingFixture(ledger)
    const erp = erpStoreFor(handle.db, newSecretKey())
    const app = new Hono<AppEnv>()
    app.onError(handleError(pino({ level: 'silent' })))
    app.use(async (c, next) => {
      c.set('principal', { kind: 'api_key', orgId: f.orgId, keyId: 'key-1' })
      await next()
    })
    app.route('/', routes(erp))
    opened = { handle, ledger, erp, f, app }
  })
  afterAll(async () => {
    await opened?.handle.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  const get = () => {
    if (opened === undefined) throw new Error('the ERP test app opens before the tests run')
    return opened
  }
  return {
    get handle() {
      return get().handle
    },
    get ledger() {
      return get().ledger
    },
    get erp() {
      return get().erp
    },
    get f() {
      return get().f
    },
    async call(method, path, body) {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
      const res = await get().app.request(path, init)
      const text = await res.text()
      const type = res.headers.get('content-type') ?? ''
      return { status: res.status, type, text, body: type.includes('json') ? JSON.parse(text) : null }
    },
  }
}
