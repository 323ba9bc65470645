// The contract and invoice repository suite, run on every Postgres driver (PGlite and the
// Postgres server), so locks, unique keys, numbering and triggers are proven on both.
// Quantities come from a fixed table: this suite is about the ledger; the metric path on the
// real ClickHouse engine is ratingEndToEnd.test.ts.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import type { Product } from '../../ledger/products.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { QuantitySource } from '../../rating/execute/quantitySource.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { reissueInvoice } from '../../rating/execute/reissueInvoice.ts'
import { customCurrencyTests } from './customCurrencyTests.ts'

/** Quantity per customer for any metric and period: the test decides usage directly. */
export function fixedQuantities(usage: Map<string, string>, calls: string[] = []): QuantitySource {
  return {
    async quantities(req) {
      calls.push(`${req.metricName}|${req.start.toISOString()}|${req.end.toISOString()}|${req.customerIds.length}`)
      return new Map(req.customerIds.filter((c) => usage.has(c)).map((c) => [c, { quantity: usage.get(c)!, rows: [] }]))
    },
  }
}

/** Every run, reissue and lifecycle call happens at this instant (time is an input). */
const NOW = '2026-11-06T09:00:00.000Z'
export const clock = fixedClock(NOW)

/** What the suite's tests in other files (customCurrencyTests.ts) get from it. */
export interface BillingSuiteContext {
  ledger(): Ledger
  /** A fresh organisation with `customers` in `currency`, a metered product API (metric calls v3) and Seats (5 by default). */
  setup(currency?: string, customers?: string[]): Promise<{ orgId: string; api: Product; seats: Product }>
}

export function describeBillingSuite(name: string, open: () => Promise<DatabaseHandle>, openSecond?: () => Promise<DatabaseHandle>): void {
  describe(`billing contract: ${name}`, () => {
    let handle: DatabaseHandle
    let second: DatabaseHandle | undefined
    let ledger: Ledger
    beforeAll(async () => {
      handle = await open()
      await migrateDatabase(handle, ledgerMigrationsFolder)
      ledger = createTestLedger(handle.db)
      second = openSecond ? await openSecond() : undefined
    })
    afterAll(async () => {
      await second?.close()
      await handle?.close()
    })

    async function setup(currency = 'USD', customers = ['c1']) {
      const org = await ledger.organisations.create({ now: testNow(), name: `Billing ${randomUUID().slice(0, 8)}` })
      for (const c of customers) await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: c, name: c, currency })
      const api = await ledger.products.create({ now: testNow(), orgId: org.id, name: 'API', kind: 'metered', metricName: 'calls', metricVersion: 3 })
      const seats = await ledger.products.create({ now: testNow(), orgId: org.id, name: 'Seats', kind: 'non_metered', defaultQuantity: '5' })
      return { orgId: org.id, api, seats }
    }

    it('prorates a mid-period start and a phase change, with in-advance and in-arrears lines on one invoice', async () => {
      const { orgId, api, seats } = await setup()
      const contract = await ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'c1',
        startDate: '2026-10-15',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        anchorDay: 1,
        phases: [
          {
            start_date: '2026-10-15',
            items: [
              { product_id: seats.id, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '10.00', prorate: true } },
              { product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.01' } },
            ],
          },
          {
            start_date: '2026-11-16',
            items: [
              { product_id: seats.id, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '20.00', prorate: true } },
              { product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.02' } },
            ],
          },
        ],
      })
      const calls: string[] = []
      const summary = await runRating(
        { ledger, quantities: fixedQuantities(new Map([['c1', '1000']]), calls), clock },
        { orgId, asOf: new Date('2026-11-01T00:00:00Z'), graceHours: 0 },
      )
      expect(summary.invoices).toMatchObject({ created: 2, finalized: 2 })
      const invoices = (await ledger.invoices.list(orgId, { contractId: contract.id })).sort((a, b) => (a.billingDate < b.billingDate ? -1 : 1))
      // Opening (2026-10-15): 5 seats × 10.00 × 17/31 days = 27.419… → 27.42.
      expect(invoices[0]).toMatchObject({ billingDate: '2026-10-15', total: '27.42', number: 1 })
      // 2026-11-01: arrears Oct 15–Nov 1 usage 1000 × 0.01 = 10.00 (usage is not prorated);
      // advance November split at the phase change on the 16th:
      //   5 × 10.00 × 15/30 = 25.00 and 5 × 20.00 × 15/30 = 50.00 → 85.00 in all.
      expect(invoices[1]).toMatchObject({ billingDate: '2026-11-01', total: '85.00', number: 2 })
      const lines = await ledger.invoices.lines(orgId, invoices[1]!.id)
      expect(lines.map((l) => [l.timing, l.amount, l.periodStart, l.periodEnd])).toEqual([
        ['in_arrears', '10.00', '2026-10-15', '2026-11-01'],
        ['in_advance', '25.00', '2026-11-01', '2026-11-16'],
        ['in_advance', '50.00', '2026-11-16', '2026-12-01'],
      ])
      expect(calls).toEqual(['calls|2026-10-15T00:00:00.000Z|2026-11-01T00:00:00.000Z|1'])
    })

    /** A monthly in-arrears contract per customer from 2026-09-01, rated by two runs at once (on two pools on the server). */
    async function twoConcurrentRuns(orgId: string, api: { id: string }, customers: string[]) {
      for (const c of customers) {
        await ledger.contracts.create({
          now: testNow(),
          orgId,
          customer: c,
          startDate: '2026-09-01',
          cadence: 'monthly',
          backdatedInvoices: 'finalize',
          phases: [
            {
              start_date: '2026-09-01',
              items: [{ product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '1.00' } }],
            },
          ],
        })
      }
      const usage = new Map(customers.map((c, i) => [c, String(i + 1)]))
      const ledgerB = second ? createTestLedger(second.db) : ledger
      const opts = { orgId, asOf: new Date('2026-11-05T00:00:00Z'), graceHours: 24 }
      const runs = await Promise.all([
        runRating({ ledger, quantities: fixedQuantities(usage), clock }, opts),
        runRating({ ledger: ledgerB, quantities: fixedQuantities(usage), clock }, opts),
      ])
      return { runs, again: () => runRating({ ledger, quantities: fixedQuantities(usage), clock }, opts) }
    }

    it('two concurrent runs produce one invoice per period and gap-free numbers', async () => {
      const customers = Array.from({ length: 6 }, (_, i) => `k${i}`)
      const { orgId, api } = await setup('USD', customers)
      const {
        runs: [a, b],
        again,
      } = await twoConcurrentRuns(orgId, api, customers)
      // 6 contracts × 2 invoices (Sep and Oct arrears; the opening invoice has nothing to bill).
      expect(a.invoices.created + b.invoices.created).toBe(12)
      expect(a.invoices.finalized + b.invoices.finalized).toBe(12)
      const all = await ledger.invoices.list(orgId, { limit: 1000 })
      expect(all).toHaveLength(12)
      expect(all.map((i) => i.number).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
      expect((await again()).invoices).toMatchObject({ created: 0, updated: 0, finalized: 0 })
    })

    it('two concurrent runs number gap-free per billing entity, and the organisation for customers with none', async () => {
      const customers = Array.from({ length: 9 }, (_, i) => `k${i}`)
      const { orgId, api } = await setup('USD', customers)
      const acme = await ledger.billingEntities.create({ now: testNow(), orgId, name: 'Acme GmbH', invoicePrefix: 'ACME-' })
      const globex = await ledger.billingEntities.create({ now: testNow(), orgId, name: 'Globex Ltd', invoicePrefix: 'GLX-' })
      // k0, k3, k6 → Acme; k1, k4, k7 → Globex; k2, k5, k8 → the organisation.
      const entityOf = (i: number) => [acme.id, globex.id, null][i % 3]!
      for (const [i, c] of customers.entries()) await ledger.customers.update({ orgId, externalId: c, billingEntityId: entityOf(i) })
      await twoConcurrentRuns(orgId, api, customers)
      const all = await ledger.invoices.list(orgId, { limit: 1000 })
      expect(all).toHaveLength(18)
      const numbersOf = (entity: string | null) =>
        all
          .filter((i) => i.billingEntityId === entity)
          .map((i) => [i.number, i.displayNumber])
          .sort((x, y) => (x[0] as number) - (y[0] as number))
      const six = Array.from({ length: 6 }, (_, i) => i + 1)
      expect(numbersOf(acme.id)).toEqual(six.map((n) => [n, `ACME-${String(n).padStart(6, '0')}`]))
      expect(numbersOf(globex.id)).toEqual(six.map((n) => [n, `GLX-${String(n).padStart(6, '0')}`]))
      expect(numbersOf(null)).toEqual(six.map((n) => [n, null]))
    })

    it('a voided period is not re-billed by runs; two concurrent reissues on two pools write one draft', async () => {
      const { orgId, api } = await setup()
      const contract = await ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'c1',
        startDate: '2026-10-01',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        phases: [
          {
            start_date: '2026-10-01',
            items: [{ product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.50' } }],
          },
        ],
      })
      const opts = { orgId, asOf: new Date('2026-11-05T00:00:00Z'), graceHours: 24 }
      await runRating({ ledger, quantities: fixedQuantities(new Map([['c1', '10']])), clock }, opts)
      // October in arrears: 10 × 0.50 = 5.00, finalized as number 1.
      const [october] = await ledger.invoices.list(orgId)
      expect(october).toMatchObject({ billingDate: '2026-11-01', total: '5.00', number: 1, status: 'finalized' })
      await ledger.invoices.void(orgId, october!.id, 'wrong usage', clock.now())
      const rerun = await runRating({ ledger, quantities: fixedQuantities(new Map([['c1', '12']])), clock }, opts)
      expect(rerun.invoices).toMatchObject({ created: 0, updated: 0, finalized: 0 })
      // (The opening invoice of an arrears-only contract has nothing to bill: skipped as before.)
      expect(rerun.skipped.filter((x) => x.billingDate === '2026-11-01')).toEqual([
        { contractId: contract.id, billingDate: '2026-11-01', reason: 'period_voided' },
      ])
      expect(await ledger.invoices.list(orgId)).toHaveLength(1)

      // 12 × 0.50 = 6.00 on the replacement, whichever pool writes it.
      const ledgerB = second ? createTestLedger(second.db) : ledger
      const usage = new Map([['c1', '12']])
      const [a, b] = await Promise.all([
        reissueInvoice({ ledger, quantities: fixedQuantities(usage), graceHours: 24, clock }, orgId, october!.id),
        reissueInvoice({ ledger: ledgerB, quantities: fixedQuantities(usage), graceHours: 24, clock }, orgId, october!.id),
      ])
      expect([a.created, b.created].sort()).toEqual([false, true])
      expect(a.invoice.id).toBe(b.invoice.id)
      expect(a.invoice).toMatchObject({ status: 'draft', total: '6.00', billingDate: '2026-11-01', replacesInvoiceId: october!.id })
      expect(await ledger.invoices.list(orgId)).toHaveLength(2)
      expect(await ledger.invoices.get(orgId, october!.id)).toMatchObject({ status: 'void', number: 1, total: '5.00', replacedByInvoiceId: a.invoice.id })
      // The database holds the rules, whoever writes: one replacement per void invoice, one live
      // invoice per period, and the link is frozen once final.
      const copy = sql`insert into invoices (org_id, contract_id, customer_id, billing_date, period_index, currency, status, total, content_hash, rating_input, credit_draws, grace_until, due_date, rated_at, created_at, replaces_invoice_id)
        select org_id, contract_id, customer_id, billing_date, period_index, currency, 'draft', total, 'x', rating_input, credit_draws, grace_until, due_date, rated_at, created_at,`
      await expect(handle.db.execute(sql`${copy} replaces_invoice_id from invoices where id = ${a.invoice.id}`)).rejects.toThrow()
      await expect(handle.db.execute(sql`${copy} null from invoices where id = ${a.invoice.id}`)).rejects.toThrow()
      const final = await ledger.invoices.finalize(orgId, a.invoice.id, clock.now())
      expect(final.number).toBe(2)
      await expect(handle.db.execute(sql`update invoices set replaces_invoice_id = null where id = ${a.invoice.id}`)).rejects.toThrow()
    })

    it('bills JPY with 0 decimals and KWD with 3', async () => {
      for (const [currency, price, expected] of [
        ['JPY', '0.5', '1500'],
        ['KWD', '0.0015', '4.500'],
      ] as const) {
        const { orgId, api } = await setup(currency)
        await ledger.contracts.create({
          now: testNow(),
          orgId,
          customer: 'c1',
          startDate: '2026-10-01',
          cadence: 'monthly',
          backdatedInvoices: 'finalize',
          currency,
          phases: [
            { start_date: '2026-10-01', items: [{ product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency, unit_price: price } }] },
          ],
        })
        // JPY: 3000 × 0.5 = 1500 yen; KWD: 3000 × 0.0015 = 4.500 dinar.
        await runRating(
          { ledger, quantities: fixedQuantities(new Map([['c1', '3000']])), clock },
          { orgId, asOf: new Date('2026-11-01T00:00:00Z'), graceHours: 1 },
        )
        const [invoice] = await ledger.invoices.list(orgId)
        expect(invoice).toMatchObject({ currency, total: expected, status: 'draft' })
      }
    })

    it('plan inheritance records overrides; credit notes, payments, void and immutability', async () => {
      const { orgId, api, seats } = await setup()
      await ledger.plans.create({
        now: testNow(),
        orgId,
        name: 'Pro',
        currency: 'USD',
        features: ['sso'],
        items: [
          { product_id: seats.id, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '50.00' } },
          { product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.10' } },
        ],
      })
      const contract = await ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'c1',
        plan: 'Pro',
        startDate: '2026-10-01',
        cadence: 'monthly',
        backdatedInvoices: 'finalize',
        overrides: [{ product_id: api.id, price: { model: 'per_unit', currency: 'USD', unit_price: '0.08' } }],
      })
      expect(contract.overrides).toEqual([
        {
          product_id: api.id,
          field: 'price',
          plan_value: { model: 'per_unit', currency: 'USD', unit_price: '0.10' },
          contract_value: { model: 'per_unit', currency: 'USD', unit_price: '0.08' },
        },
      ])
      await runRating(
        { ledger, quantities: fixedQuantities(new Map([['c1', '100']])), clock },
        { orgId, asOf: new Date('2026-11-03T00:00:00Z'), graceHours: 24 },
      )
      const october = (await ledger.invoices.list(orgId)).find((i) => i.billingDate === '2026-11-01')!
      // 100 × 0.08 = 8.00 usage + 50.00 November fee.
      expect(october).toMatchObject({ total: '58.00', status: 'finalized' })
      const lines = await ledger.invoices.lines(orgId, october.id)
      const usageLine = lines.find((l) => l.timing === 'in_arrears')!
      await expect(
        ledger.creditNotes.create({
          orgId,
          invoiceId: october.id,
          reason: 'billing_error',
          lines: [{ invoiceLineId: usageLine.id, amount: '8.01' }],
          now: clock.now(),
        }),
      ).rejects.toMatchObject({ code: 'credit_exceeds_line' })
      const note = await ledger.creditNotes.create({
        orgId,
        invoiceId: october.id,
        reason: 'billing_error',
        memo: 'wrong rate',
        lines: [{ invoiceLineId: usageLine.id, amount: '3.00' }],
        now: clock.now(),
      })
      expect(note).toMatchObject({ number: 1, total: '3.00', reason: 'billing_error' })
      expect(await ledger.invoices.balance(orgId, october.id)).toEqual({ total: '58.00', credited: '3.00', paid: '0.00', due: '55.00' })
      await expect(
        ledger.payments.record({ orgId, invoiceId: october.id, amount: '55.01', paidOn: '2026-11-10', method: 'card', now: clock.now() }),
      ).rejects.toMatchObject({ code: 'overpayment' })
      await ledger.payments.record({
        orgId,
        invoiceId: october.id,
        amount: '55.00',
        paidOn: '2026-11-10',
        method: 'bank_transfer',
        reference: 'TX-1',
        now: clock.now(),
      })
      expect(await ledger.invoices.get(orgId, october.id)).toMatchObject({ status: 'paid' })
      await expect(ledger.invoices.void(orgId, october.id, 'x', clock.now())).rejects.toMatchObject({ code: 'invoice_not_voidable' })
      // The database itself refuses to change a final invoice or its lines.
      await expect(handle.db.execute(sql`update invoices set total = '1.00' where id = ${october.id}`)).rejects.toThrow()
      await expect(handle.db.execute(sql`update invoice_lines set amount = '1.00' where id = ${usageLine.id}`)).rejects.toThrow()
      // Full credit note on the opening invoice, then nothing is left to credit; void needs no payments.
      const opening = (await ledger.invoices.list(orgId)).find((i) => i.billingDate === '2026-10-01')!
      const full = await ledger.creditNotes.create({ orgId, invoiceId: opening.id, reason: 'order_change', now: clock.now() })
      expect(full).toMatchObject({ number: 2, total: '50.00' })
      await expect(ledger.creditNotes.create({ orgId, invoiceId: opening.id, reason: 'other', now: clock.now() })).rejects.toMatchObject({
        code: 'nothing_to_credit',
      })
    })

    customCurrencyTests({ ledger: () => ledger, setup })
  })
}
