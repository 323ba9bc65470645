// The journal export (exportRoutes.ts) in-process over PGlite: a month's lines as JSON and as a
// CSV file, digit for digit (0.10 + 0.20 against 0.30, a 17-digit amount), RFC 4180 quoting,
// text neutralised against formula injection, only the month's entries; a malformed period or
// format refused with a code.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { journalLine as line } from '../accounting/journalLineFixture.ts'
import type { Ledger } from '../ledger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'
import { exportRoutes } from './exportRoutes.ts'

describe('GET /v1/accounting/exports/journals', () => {
  let dir: string
  let handle: DatabaseHandle
  let ledger: Ledger
  let app: Hono<AppEnv>
  let orgId: string
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-journal-export-'))
    handle = await openDatabase({ dataDir: dir })
    await migrateDatabase(handle, ledgerMigrationsFolder)
    ledger = createTestLedger(handle.db)
    orgId = (await ledger.organisations.create({ now: testNow(), name: 'Exports' })).id
    await ledger.accounts.ensureChart(orgId, testNow())
    const acme = await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme, "the" Inc.' })
    app = new Hono<AppEnv>()
    app.onError(handleError(pino({ level: 'silent' })))
    app.use(async (c, next) => {
      c.set('principal', { kind: 'api_key', orgId, keyId: 'key-1' })
      await next()
    })
    app.route('/', exportRoutes({ ledger }))
    const post = async (key: string, postedOn: string, memo: string, lines: ReturnType<typeof line>[]) => {
      ids[key] = (await ledger.journals.post({ orgId, source: { kind: 'accrual', key }, postedOn, memo, lines }, { at: testNow() })).id
    }
    await post('october', '2026-10-31', 'October', [line('1150', 'debit', '5.00'), line('4100', 'credit', '5.00')])
    await post('float', '2026-11-05', 'Usage accrued, November', [
      line('1150', 'debit', '0.10', { customerId: acme.id, memo: '=HYPERLINK("http://evil")' }),
      line('1150', 'debit', '0.20', { customerId: acme.id }),
      line('4100', 'credit', '0.30', { memo: '-3 units\nsecond line' }),
    ])
    await post('big', '2026-11-30', '@big', [line('2100', 'debit', '12345678901234567.89'), line('4000', 'credit', '12345678901234567.89')])
    await post('december', '2026-12-01', 'December', [line('1150', 'debit', '7.00'), line('4100', 'credit', '7.00')])
  })
  afterAll(async () => {
    await handle?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const get = async (query: string) => {
    const res = await app.request(`/v1/accounting/exports/journals?${query}`)
    const text = await res.text()
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text,
      body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
    }
  }

  it("answers the month's lines as JSON, digit for digit, in posting order", async () => {
    const { status, body } = await get('period=2026-11')
    expect(status).toBe(200)
    expect(body.period).toBe('2026-11')
    expect(body.data.map((d: Record<string, unknown>) => [d.date, d.line, d.account_code, d.debit, d.credit, d.customer])).toEqual([
      ['2026-11-05', 0, '1150', '0.10', '0.00', 'acme'],
      ['2026-11-05', 1, '1150', '0.20', '0.00', 'acme'],
      ['2026-11-05', 2, '4100', '0.00', '0.30', null],
      ['2026-11-30', 0, '2100', '12345678901234567.89', '0.00', null],
      ['2026-11-30', 1, '4000', '0.00', '12345678901234567.89', null],
    ])
    expect(body.data[0]).toEqual({
      entry_id: ids.float,
      date: '2026-11-05',
      source: 'accrual',
      source_id: 'float',
      line: 0,
      account_code: '1150',
      account_name: 'Unbilled receivable',
      debit: '0.10',
      credit: '0.00',
      currency: 'USD',
      customer: 'acme',
      customer_name: 'Acme, "the" Inc.',
      memo: '=HYPERLINK("http://evil")',
    })
  })

  it('answers a CSV file: RFC 4180 quoting, formulas neutralised in text, never in amounts', async () => {
    const { status, type, text } = await get('period=2026-11&format=csv')
    expect([status, type]).toEqual([200, 'text/csv; charset=utf-8'])
    const header = 'entry_id,date,source,source_id,line,account_code,account_name,debit,credit,currency,customer,customer_name,memo\r\n'
    expect(text).toBe(
      header +
        `${ids.float},2026-11-05,accrual,float,0,1150,Unbilled receivable,0.10,0.00,USD,acme,"Acme, ""the"" Inc.","'=HYPERLINK(""http://evil"")"\r\n` +
        `${ids.float},2026-11-05,accrual,float,1,1150,Unbilled receivable,0.20,0.00,USD,acme,"Acme, ""the"" Inc.","Usage accrued, November"\r\n` +
        `${ids.float},2026-11-05,accrual,float,2,4100,Usage revenue,0.00,0.30,USD,,,"'-3 units\nsecond line"\r\n` +
        `${ids.big},2026-11-30,accrual,big,0,2100,Deferred revenue,12345678901234567.89,0.00,USD,,,'@big\r\n` +
        `${ids.big},2026-11-30,accrual,big,1,4000,Subscription revenue,0.00,12345678901234567.89,USD,,,'@big\r\n`,
    )
  })

  it('refuses a malformed period or format with a code', async () => {
    for (const period of ['2026-13', '2026-1', 'november', '']) {
      const { status, body } = await get(`period=${period}`)
      expect([status, body.error.code, body.error.details[0].code]).toEqual([400, 'invalid_request', 'invalid_period'])
    }
    expect((await get('period=2026-11&format=xml')).body.error.code).toBe('invalid_request')
    expect((await get('')).status).toBe(400)
  })
})
