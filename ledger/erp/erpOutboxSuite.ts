// The ERP outbox through the real ledger, on PGlite and the Postgres server: connections keep
// their credentials sealed and refuse an incomplete account map; each lifecycle change queues
// its documents in its own transaction (and nothing when it rolls back), once per connection,
// in dependency order for the drain.
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { queryRows } from '../../platform/postgres/queryRows.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { closePeriod } from '../accounting/closePeriod.ts'
import { createJournalRepository } from '../accounting/journals.ts'
import { createPostingFixture, type PostingFixture } from '../accounting/postingFixture.ts'
import { createErpStore, type ErpConnection, type ErpStore } from '../erpStore.ts'
import type { Ledger } from '../ledger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'

const CREDENTIALS = { client_id: 'client-1', client_secret: 'very-secret-client', access_token: 'at-123', refresh_token: 'rt-456' }

export function describeErpOutboxSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`ERP outbox: ${name}`, () => {
    let handle: DatabaseHandle
    let ledger: Ledger
    let erp: ErpStore
    let f: PostingFixture
    let connection: ErpConnection
    beforeAll(async () => {
      handle = await openHandle()
      await migrateDatabase(handle, ledgerMigrationsFolder)
      ledger = createTestLedger(handle.db)
      erp = createErpStore(handle.db, { secrets: createSecretBox(randomBytes(32).toString('base64')) })
      f = await createPostingFixture(ledger)
    })
    afterAll(async () => {
      await handle?.close()
    })

    const create = (store: ErpStore, accountMap: Record<string, string>, needsItems = false) =>
      store.connections.create({
        now: testNow(),
        orgId: f.orgId,
        type: 'xero',
        tenantId: 'tenant-1',
        baseUrl: 'http://127.0.0.1:1',
        credentials: CREDENTIALS,
        accountMap,
        settings: { base_currency: 'USD' },
        needsItems,
      })
    const rows = async () =>
      await queryRows<{ kind: string; tally_id: string; depends_on: string | null; id: string }>(
        handle.db,
        sql`select id, kind, tally_id, depends_on from erp_outbox where org_id = ${f.orgId} order by created_at, kind`,
      )

    it('refuses an incomplete account map naming each unmapped account, and without TALLY_SECRET_KEY stores nothing', async () => {
      const refused = await create(erp, { '1000': '090' }).catch((e: unknown) => e)
      expect(refused).toMatchObject({ code: 'erp_mapping_incomplete', category: 'unprocessable' })
      const fields = (refused as { details: { field: string; message: string }[] }).details.map((d) => d.field)
      // Every account of the default chart but cash (mapped) and accounts receivable (never sent as a line).
      expect(fields).toEqual(['1150', '2100', '2200', '2300', '4000', '4100', '4200', '4900', '6900'].map((c) => `account_map.${c}`))
      expect((refused as Error).message).toContain('account 4100 Usage revenue has no ERP account')
      // Where invoice lines go through items, a complete account map still needs one per account invoice lines post to:
      // deferred revenue, customer credits, the revenue accounts, discounts and rounding (not cash, unbilled or tax).
      const accountsOnly = Object.fromEntries(['1000', '1150', '2100', '2200', '2300', '4000', '4100', '4200', '4900', '6900'].map((c) => [c, `X${c}`]))
      const itemless = await create(erp, accountsOnly, true).catch((e: unknown) => e)
      expect(itemless).toMatchObject({ code: 'erp_mapping_incomplete', category: 'unprocessable' })
      expect((itemless as { details: { field: string; code: string }[] }).details.map((d) => [d.field, d.code])).toEqual(
        ['2100', '2200', '4000', '4100', '4200', '4900', '6900'].map((c) => [`account_map.item.${c}`, 'erp_item_unmapped']),
      )
      expect((itemless as Error).message).toContain('account 4900 Discounts has no ERP item for its invoice lines')
      const noKey = createErpStore(handle.db, { secrets: createSecretBox(undefined) })
      await expect(create(noKey, {})).rejects.toMatchObject({ code: 'secret_key_missing' })
      expect(await erp.connections.list(f.orgId)).toEqual([])
    })

    it('stores the credentials sealed: no plaintext in the row, none in the view, opened only for the drain', async () => {
      const map = Object.fromEntries(['1000', '1150', '2100', '2200', '2300', '4000', '4100', '4200', '4900', '6900'].map((c) => [c, `X${c}`]))
      connection = await create(erp, map)
      expect(Object.keys(connection).sort()).toEqual(['accountMap', 'createdAt', 'id', 'orgId', 'settings', 'status', 'tenantId', 'type', 'baseUrl'].sort())
      const [stored] = await queryRows<Record<string, unknown>>(handle.db, sql`select * from erp_connections where id = ${connection.id}`)
      const text = JSON.stringify(stored)
      for (const secret of Object.values(CREDENTIALS)) expect(text).not.toContain(secret)
      expect(String(stored!.credentials).startsWith('v1:')).toBe(true)
      expect(await erp.connections.credentials(connection.id)).toEqual(CREDENTIALS)
    })

    it('finalize queues the customer once and each invoice after it; payment, credit note, close and void queue theirs, in order', async () => {
      const invoice = (billingDate: string, total: string) =>
        f.draft({
          billingDate,
          currency: 'USD',
          total,
          lines: [{ kind: 'flat_fee', timing: 'in_advance', amount: total, period: [billingDate, '2024-08-15'] }],
        })
      const a = await invoice('2024-06-15', '60.00')
      const b = await invoice('2024-06-16', '40.00')
      await ledger.invoices.finalize(f.orgId, a, new Date('2024-06-15T12:00:00Z'))
      await ledger.invoices.finalize(f.orgId, a, new Date('2024-06-15T13:00:00Z'))
      await ledger.invoices.finalize(f.orgId, b, new Date('2024-06-16T12:00:00Z'))
      const queued = await rows()
      expect(queued.map((r) => `${r.kind} ${r.tally_id}`)).toEqual([`customer ${f.customerId}`, `invoice ${a}`, `invoice ${b}`])
      const customerRow = queued[0]!.id
      expect(queued.slice(1).map((r) => r.depends_on)).toEqual([customerRow, customerRow])

      const [outboxA] = (await erp.outbox.status(f.orgId, connection.id)).documents.filter((d) => d.tallyId === a)
      expect(outboxA!.document).toMatchObject({
        kind: 'invoice',
        customerTallyId: f.customerId,
        currency: 'USD',
        issuedOn: '2024-06-15',
        total: '60.00',
        lines: [{ amount: '60.00', accountCode: '2100', quantity: '1', unitAmount: '60.00' }],
      })

      const payment = await ledger.payments.record({
        orgId: f.orgId,
        invoiceId: a,
        amount: '25.00',
        paidOn: '2024-06-20',
        method: 'card',
        now: new Date('2024-06-20T09:00:00Z'),
      })
      const [line] = await ledger.invoices.lines(f.orgId, b)
      const note = await ledger.creditNotes.create({
        orgId: f.orgId,
        invoiceId: b,
        reason: 'order_change',
        lines: [{ invoiceLineId: line!.id, amount: '10.00' }],
        now: new Date('2024-06-21T10:00:00Z'),
      })
      const june = await closePeriod({ db: handle.db }, { orgId: f.orgId, period: '2024-06', at: new Date('2024-07-01T00:00:00Z') })
      await ledger.invoices.void(f.orgId, b, 'issued in error', new Date('2024-07-02T00:00:00Z'))

      const all = await rows()
      const byKind = (kind: string) => all.filter((r) => r.kind === kind)
      const rowOf = (tallyId: string) => all.find((r) => r.kind === 'invoice' && r.tally_id === tallyId)!.id
      expect(byKind('payment')).toMatchObject([{ tally_id: payment.id, depends_on: rowOf(a) }])
      expect(byKind('credit_note')).toMatchObject([{ tally_id: note.id, depends_on: rowOf(b) }])
      expect(byKind('invoice_void')).toMatchObject([{ tally_id: b, depends_on: rowOf(b) }])
      // One journal per recognition entry of the June close; no journal for invoice, payment, credit note or void entries.
      expect(byKind('journal')).toHaveLength(june.entriesPosted)
      expect(byKind('customer')).toHaveLength(1)

      const status = await erp.outbox.status(f.orgId, connection.id)
      const credit = status.documents.find((d) => d.kind === 'credit_note')!.document
      // 10.00 credited on a deferred line, nothing recognised yet: all of it comes out of deferred revenue.
      expect(credit).toMatchObject({ kind: 'credit_note', total: '10.00', lines: [{ accountCode: '2100', amount: '10.00' }] })
      const journal = status.documents.find((d) => d.kind === 'journal')!.document
      expect(journal).toMatchObject({ kind: 'journal', postedOn: '2024-06-30', currency: 'USD' })
      expect(JSON.stringify(journal)).not.toContain('"accountCode":"1100"')
    })

    it('drain order: a row is due only once the row it depends on is sent', async () => {
      const now = new Date('2030-01-01T00:00:00Z')
      const kinds = async () => [...new Set((await erp.outbox.due(connection.id, now, 100)).map((r) => r.kind))].sort()
      expect(await kinds()).toEqual(['customer', 'journal'])
      for (const row of await erp.outbox.due(connection.id, now, 100)) await erp.outbox.markSent(row.id, `erp-${row.tallyId}`, now)
      expect(await kinds()).toEqual(['invoice'])
      expect(await erp.outbox.due(connection.id, now, 100)).toHaveLength(2)
      const [first, second] = await erp.outbox.due(connection.id, now, 100)
      await erp.outbox.markFailed(first!.id, 'ValidationException: Account code X4000 is not valid')
      await erp.outbox.markRetry(second!.id, { nextAttemptAt: new Date('2030-01-01T00:01:00Z'), error: '429 rate limited' })
      expect(await kinds()).toEqual([])
      const status = await erp.outbox.status(f.orgId, connection.id)
      expect(status.counts.failed).toBe(1)
      expect(status.lastErrors.map((r) => r.lastError).sort()).toEqual(['429 rate limited', 'ValidationException: Account code X4000 is not valid'])
      expect(await erp.outbox.retryFailed(f.orgId, connection.id)).toBe(1)
      expect(await kinds()).toEqual(['invoice'])
      expect((await erp.outbox.erpIds(connection.id, [f.customerId])).map((r) => r.erpId)).toEqual([`erp-${f.customerId}`])
    })

    it('an outbox row commits with its entry: a rolled-back posting leaves none', async () => {
      const draft = (key: string) => ({
        orgId: f.orgId,
        source: { kind: 'accrual' as const, key },
        postedOn: '2024-07-31',
        memo: `usage accrued ${key}`,
        lines: [
          {
            account: '1150',
            side: 'debit' as const,
            amount: '5.00',
            currency: 'USD',
            customerId: f.customerId,
            contractId: f.contractId,
            invoiceId: null,
            productId: null,
            memo: null,
          },
          {
            account: '4100',
            side: 'credit' as const,
            amount: '5.00',
            currency: 'USD',
            customerId: f.customerId,
            contractId: f.contractId,
            invoiceId: null,
            productId: null,
            memo: null,
          },
        ],
      })
      const journals = async () => (await rows()).filter((r) => r.kind === 'journal').length
      const before = await journals()
      const failed = await handle.db
        .transaction(async (tx) => {
          await createJournalRepository(tx as unknown as Database).postIn(tx as unknown as Database, draft('rolled-back'), { at: testNow() })
          throw new Error('the ledger change failed after posting')
        })
        .catch((e: Error) => e.message)
      expect(failed).toBe('the ledger change failed after posting')
      expect(await journals()).toBe(before)
      await handle.db.transaction(async (tx) => {
        await createJournalRepository(tx as unknown as Database).postIn(tx as unknown as Database, draft('committed'), { at: testNow() })
      })
      expect(await journals()).toBe(before + 1)
    })
  })
}
