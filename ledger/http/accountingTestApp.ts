// The accounting and report routes in-process (`app.request`) over PGlite, with the
// platform's real error handler, a fixed clock (2026-11-06T09:00:00Z) and a tiny middleware
// standing in for authentication (an API key `key-1` of the `x-test-org` organisation), so
// statuses and error bodies are the ones clients get. `useAccountingApp` opens it for a test
// file's tests and closes it after them.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { closePeriod } from '../accounting/closePeriod.ts'
import { billedCustomer, flatFees, writeDrafts } from '../accounting/postingFixture.ts'
import type { Ledger } from '../ledger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'
import { accountingRoutes } from './accountingRoutes.ts'
import { reportRoutes } from './reportRoutes.ts'

export interface Answer {
  status: number
  type: string
  text: string
  /** The parsed JSON body; null for CSV. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read answers as loosely typed JSON (eslint.config.js allows it in test files; this is their fixture)
  body: any
}

export interface AccountingTestApp {
  ledger: Ledger
  handle: DatabaseHandle
  call(org: string, method: string, path: string, body?: unknown): Promise<Answer>
  /** An organisation with the default chart (unless `seedChart` is false), a product (Seats) and a customer (acme) with one draft invoice of 150.00 due 2026-10-31. */
  newOrg(opts?: {
    seedChart?: boolean
  }): Promise<{ orgId: string; seats: string; billed: { customerId: string; contractId: string }; invoice: { id: string; lineIds: string[] } }>
  close(): Promise<void>
}

async function openAccountingApp(): Promise<AccountingTestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'tally-accounting-routes-'))
  const handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  const ledger = createTestLedger(handle.db)
  const clock = fixedClock('2026-11-06T09:00:00Z')
  const app = new Hono<AppEnv>()
  app.onError(handleError(pino({ level: 'silent' })))
  app.use(async (c, next) => {
    c.set('principal', { kind: 'api_key', orgId: c.req.header('x-test-org') ?? null, keyId: 'key-1' })
    await next()
  })
  app.route('/', accountingRoutes({ ledger, clock, closePeriod: (input) => closePeriod({ db: handle.db }, input) }))
  app.route('/', reportRoutes({ ledger, clock }))
  return {
    ledger,
    handle,
    async call(org, method, path, body) {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json', 'x-test-org': org } }
      if (body !== undefined) init.body = JSON.stringify(body)
      const res = await app.request(path, init)
      const text = await res.text()
      const type = res.headers.get('content-type') ?? ''
      return { status: res.status, type, text, body: type.includes('json') ? JSON.parse(text) : null }
    },
    async newOrg({ seedChart = true } = {}) {
      const orgId = (await ledger.organisations.create({ now: testNow(), name: 'Accounting routes' })).id
      if (seedChart) await ledger.accounts.ensureChart(orgId, testNow())
      const seats = (await ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered' })).id
      const billed = await billedCustomer(ledger, orgId, 'acme', seats)
      const [invoice] = await writeDrafts(ledger, {
        orgId,
        billed,
        drafts: [{ billingDate: '2026-10-01', dueDate: '2026-10-31', lines: flatFees(seats, '150.00'), total: '150.00' }],
      })
      return { orgId, seats, billed, invoice: invoice! }
    },
    async close() {
      await handle.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Call at a test file's top level: the app is opened before the file's tests and closed after them. */
export function useAccountingApp(): Omit<AccountingTestApp, 'close'> {
  let app: AccountingTestApp | undefined
  beforeAll(async () => {
    app = await openAccountingApp()
  })
  afterAll(async () => {
    await app?.close()
  })
  const opened = (): AccountingTestApp => {
    if (app === undefined) throw new Error('the accounting app opens before the tests run')
    return app
  }
  return {
    get ledger() {
      return opened().ledger
    },
    get handle() {
      return opened().handle
    },
    call: (...args) => opened().call(...args),
    newOrg: (opts) => opened().newOrg(opts),
  }
}
