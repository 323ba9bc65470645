// The accounting and report routes in-process (`app.request`) over PGlite, with the
// platform's real error handler, a fixed clock (2026-11-06T09:00:00Z) and a tiny middleware
// standing in for authentication (an API key `key-1` of the `x-test-org` organisation), so
// statuses and error bodies are the ones clients get.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { closePeriod } from '../../ledger/accounting/closePeriod.ts'
import type { JournalLineDraft } from '../../ledger/accounting/compute/journalDraft.ts'
import { accountingRoutes } from '../../ledger/http/accountingRoutes.ts'
import { reportRoutes } from '../../ledger/http/reportRoutes.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { billedCustomer, writeDrafts } from './invoiceFixtures.ts'
import { createTestLedger } from './testLedger.ts'

export interface Answer {
  status: number
  type: string
  text: string
  /** The parsed JSON body; null for CSV. */
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

/** A USD journal line with nothing named but what `extra` gives. */
export const journalLine = (account: string, side: 'debit' | 'credit', amount: string, extra: Partial<JournalLineDraft> = {}): JournalLineDraft => ({
  account,
  side,
  amount,
  currency: 'USD',
  customerId: null,
  contractId: null,
  invoiceId: null,
  productId: null,
  memo: null,
  ...extra,
})

export async function openAccountingApp(): Promise<AccountingTestApp> {
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
      const orgId = (await ledger.organisations.create({ name: 'Accounting routes' })).id
      if (seedChart) await ledger.accounts.ensureChart(orgId)
      const seats = (await ledger.products.create({ orgId, name: 'Seats', kind: 'non_metered' })).id
      const billed = await billedCustomer(ledger, orgId, 'acme', seats)
      const [invoice] = await writeDrafts(ledger, {
        orgId,
        billed,
        productId: seats,
        drafts: [{ billingDate: '2026-10-01', dueDate: '2026-10-31', lines: ['150.00'], total: '150.00' }],
      })
      return { orgId, seats, billed, invoice: invoice! }
    },
    async close() {
      await handle.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
