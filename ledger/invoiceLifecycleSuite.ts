// Invoice lifecycle refusals at the repository level, part of the ledger contract suite
// (ledgerSuite.ts), so PGlite and the Postgres server both prove them: every refused
// finalize, void, credit note and payment throws one category and stable code per cause, and
// leaves the organisation's invoices, credit notes, payments and document counters exactly as
// they were (compared row for row before and after). Invoices are written through the rating
// job's own write path (invoiceDrafts), so this suite needs no rating engine.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { queryRows } from '../platform/postgres/queryRows.ts'
import type { NewInvoiceLine } from './invoices.ts'
import type { Ledger } from './ledger.ts'
import { testNow } from '../test/support/testLedger.ts'

/** The instant every lifecycle call is made at (time is an input: platform/clock.ts). */
const NOW = new Date('2026-11-06T09:00:00Z')

type Invoices = Record<'draft' | 'open' | 'partlyPaid' | 'paid' | 'voided', string> & { lineA: string; lineB: string; otherLine: string }

export function describeInvoiceLifecycleRefusals(env: () => { ledger: Ledger; handle: DatabaseHandle }): void {
  describe('invoice lifecycle refusals', () => {
    let orgId = ''
    let otherOrgId = ''
    const ids = {} as Invoices

    /** Everything of the organisation a lifecycle call could change, in a stable order. */
    async function state(): Promise<unknown> {
      const db = env().handle.db
      return {
        invoices: await queryRows(db, sql`select * from invoices where org_id = ${orgId} order by billing_date`),
        notes: await queryRows(
          db,
          sql`select n.*, l.invoice_line_id, l.amount as line_amount from credit_notes n join credit_note_lines l on l.credit_note_id = n.id where n.org_id = ${orgId} order by n.number, l.invoice_line_id`,
        ),
        payments: await queryRows(db, sql`select * from payments where org_id = ${orgId} order by created_at, id`),
        counters: await queryRows(db, sql`select * from document_counters where org_id = ${orgId} order by kind`),
      }
    }

    beforeAll(async () => {
      const { ledger } = env()
      const org = await ledger.organisations.create({ now: testNow(), name: `Lifecycle ${randomUUID().slice(0, 8)}` })
      orgId = org.id
      otherOrgId = (await ledger.organisations.create({ now: testNow(), name: `Other ${randomUUID().slice(0, 8)}` })).id
      const customer = await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
      const product = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
      const price = { model: 'flat_fee' as const, currency: 'USD', amount: '100.00' }
      const contract = await ledger.contracts.create({
        now: testNow(),
        orgId,
        customer: 'acme',
        startDate: '2026-06-01',
        cadence: 'monthly',
        phases: [{ start_date: '2026-06-01', items: [{ product_id: product.id, billing: 'in_advance', price }] }],
      })
      // Five invoices of 100.00 + 50.00 = 150.00 (two lines), one per month.
      const line = (position: number, amount: string): NewInvoiceLine => ({
        position,
        itemId: null,
        timing: 'in_advance',
        kind: 'flat_fee',
        description: `line ${position}`,
        productId: product.id,
        productName: 'Platform',
        metricName: null,
        metricVersion: null,
        price,
        priceVersion: 'v',
        quantity: '1',
        unitPrice: amount,
        tier: null,
        amount,
        periodStart: null,
        periodEnd: null,
      })
      const months = ['06', '07', '08', '09', '10'] as const
      // The ledger stores only rating records rating can read back (ratingStore.ts): a record of no items.
      const record = (billingDate: string, index: number) => ({
        version: 1,
        billing_date: billingDate,
        period_index: index,
        currency: 'USD',
        rounding_mode: 'half_up',
        items: [],
        invoice: null,
        invoice_amount: '0.00',
        adjustments: [],
      })
      const written = await ledger.invoiceDrafts.withContractLock(orgId, contract.id, async (s) => {
        const out: string[] = []
        for (const [i, m] of months.entries()) {
          const draft = {
            customerId: customer.id,
            billingDate: `2026-${m}-01`,
            periodIndex: i,
            currency: 'USD',
            total: '150.00',
            contentHash: `h${i}`,
            ratingInput: record(`2026-${m}-01`, i),
            creditDraws: [],
            graceUntil: new Date('2026-12-01T00:00:00Z'),
            dueDate: '2026-12-31',
            lines: [line(0, '100.00'), line(1, '50.00')],
          }
          out.push((await s.writeDraft(draft, new Date('2026-11-01T00:00:00Z'))).invoice.id)
        }
        return out
      })
      const [draft, open, partlyPaid, paid, voided] = written as [string, string, string, string, string]
      Object.assign(ids, { draft, open, partlyPaid, paid, voided })
      for (const id of [open, partlyPaid, paid, voided]) await ledger.invoices.finalize(orgId, id, NOW)
      await ledger.payments.record({ orgId, invoiceId: partlyPaid, amount: '20.00', paidOn: '2026-11-05', method: 'card', now: NOW })
      await ledger.payments.record({ orgId, invoiceId: paid, amount: '150.00', paidOn: '2026-11-05', method: 'card', now: NOW })
      await ledger.invoices.void(orgId, voided, 'issued in error', new Date('2026-11-03T10:00:00Z'))
      const lines = await ledger.invoices.lines(orgId, open)
      ids.lineA = lines[0]!.id // 100.00
      ids.lineB = lines[1]!.id // 50.00
      ids.otherLine = (await ledger.invoices.lines(orgId, partlyPaid))[0]!.id
    })

    type Case = [name: string, call: (l: Ledger) => Promise<unknown>, expected: { category: string; code: string; details?: unknown[]; extra?: unknown }]
    const state409 = (status: string) => [expect.objectContaining({ field: 'status', code: `invoice_${status}` })]
    const hint = { hint: expect.stringMatching(/\w/) }
    const cases: Case[] = [
      [
        'finalize void',
        (l) => l.invoices.finalize(orgId, ids.voided, NOW),
        { category: 'conflict', code: 'invoice_not_finalizable', details: state409('void'), extra: hint },
      ],
      ['finalize unknown', (l) => l.invoices.finalize(orgId, randomUUID(), NOW), { category: 'not_found', code: 'invoice_not_found' }],
      ['finalize of another organisation', (l) => l.invoices.finalize(otherOrgId, ids.draft, NOW), { category: 'not_found', code: 'invoice_not_found' }],
      [
        'void draft',
        (l) => l.invoices.void(orgId, ids.draft, 'x', NOW),
        { category: 'conflict', code: 'invoice_not_voidable', details: state409('draft'), extra: hint },
      ],
      [
        'void paid',
        (l) => l.invoices.void(orgId, ids.paid, 'x', NOW),
        { category: 'conflict', code: 'invoice_not_voidable', details: state409('paid'), extra: hint },
      ],
      ['void with payments', (l) => l.invoices.void(orgId, ids.partlyPaid, 'x', NOW), { category: 'conflict', code: 'invoice_has_payments', extra: hint }],
      ['void of another organisation', (l) => l.invoices.void(otherOrgId, ids.open, 'x', NOW), { category: 'not_found', code: 'invoice_not_found' }],
      [
        'credit draft',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.draft, reason: 'other', now: NOW }),
        { category: 'conflict', code: 'invoice_not_creditable', details: state409('draft'), extra: hint },
      ],
      [
        'credit void',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.voided, reason: 'other', now: NOW }),
        { category: 'conflict', code: 'invoice_not_creditable', details: state409('void'), extra: hint },
      ],
      [
        'credit over a line',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.lineB, amount: '50.01' }], now: NOW }),
        { category: 'unprocessable', code: 'credit_exceeds_line' },
      ],
      [
        'credit a line twice, together over it',
        (l) =>
          l.creditNotes.create({
            orgId,
            invoiceId: ids.open,
            reason: 'other',
            lines: [
              { invoiceLineId: ids.lineB, amount: '30.00' },
              { invoiceLineId: ids.lineB, amount: '20.01' },
            ],
            now: NOW,
          }),
        { category: 'unprocessable', code: 'credit_exceeds_line', details: [expect.objectContaining({ field: 'lines[1]' })] },
      ],
      [
        'credit zero',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.lineA, amount: '0.00' }], now: NOW }),
        { category: 'unprocessable', code: 'invalid_amount' },
      ],
      [
        'credit negative',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.lineA, amount: '-1.00' }], now: NOW }),
        { category: 'unprocessable', code: 'invalid_amount' },
      ],
      [
        'credit a non-decimal',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.lineA, amount: 'Infinity' }], now: NOW }),
        { category: 'validation', code: 'invalid_request' },
      ],
      [
        'credit a line of another invoice',
        (l) => l.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.otherLine, amount: '1.00' }], now: NOW }),
        { category: 'unprocessable', code: 'invoice_line_not_found' },
      ],
      [
        'credit of another organisation',
        (l) => l.creditNotes.create({ orgId: otherOrgId, invoiceId: ids.open, reason: 'other', now: NOW }),
        { category: 'not_found', code: 'invoice_not_found' },
      ],
      [
        'pay draft',
        (l) => l.payments.record({ orgId, invoiceId: ids.draft, amount: '1.00', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'conflict', code: 'invoice_not_payable', details: state409('draft'), extra: hint },
      ],
      [
        'pay void',
        (l) => l.payments.record({ orgId, invoiceId: ids.voided, amount: '1.00', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'conflict', code: 'invoice_not_payable', details: state409('void'), extra: hint },
      ],
      [
        'pay paid',
        (l) => l.payments.record({ orgId, invoiceId: ids.paid, amount: '1.00', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'conflict', code: 'invoice_not_payable', details: state409('paid'), extra: hint },
      ],
      // 150.00 − 20.00 paid = 130.00 due.
      [
        'pay over the amount due',
        (l) => l.payments.record({ orgId, invoiceId: ids.partlyPaid, amount: '130.01', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'unprocessable', code: 'overpayment', details: [expect.objectContaining({ field: 'amount' })] },
      ],
      [
        'pay in another currency',
        (l) => l.payments.record({ orgId, invoiceId: ids.open, amount: '1.00', currency: 'EUR', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'unprocessable', code: 'currency_mismatch' },
      ],
      [
        'pay zero',
        (l) => l.payments.record({ orgId, invoiceId: ids.open, amount: '0', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'unprocessable', code: 'invalid_amount' },
      ],
      [
        'pay negative',
        (l) => l.payments.record({ orgId, invoiceId: ids.open, amount: '-5', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'unprocessable', code: 'invalid_amount' },
      ],
      [
        'pay a non-decimal',
        (l) => l.payments.record({ orgId, invoiceId: ids.open, amount: '0x10', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'validation', code: 'invalid_request' },
      ],
      [
        'pay of another organisation',
        (l) => l.payments.record({ orgId: otherOrgId, invoiceId: ids.open, amount: '1.00', paidOn: '2026-11-05', method: 'card', now: NOW }),
        { category: 'not_found', code: 'invoice_not_found' },
      ],
    ]

    it.each(cases)('%s: refused, nothing changed', async (_name, call, expected) => {
      const before = await state()
      await expect(call(env().ledger)).rejects.toMatchObject(expected)
      expect(await state()).toEqual(before)
    })

    it('what is already so is idempotent; the next numbers show nothing was used up', async () => {
      const { ledger } = env()
      const voided = await ledger.invoices.get(orgId, ids.voided)
      expect(await ledger.invoices.void(orgId, ids.voided, 'another reason', NOW)).toEqual(voided)
      for (const id of [ids.open, ids.paid]) expect(await ledger.invoices.finalize(orgId, id, NOW)).toEqual(await ledger.invoices.get(orgId, id))
      expect((await ledger.invoices.finalize(orgId, ids.draft, NOW)).number).toBe(5)
      expect(
        (await ledger.creditNotes.create({ orgId, invoiceId: ids.open, reason: 'other', lines: [{ invoiceLineId: ids.lineB, amount: '50.00' }], now: NOW }))
          .number,
      ).toBe(1)
    })
  })
}
