// Credit notes against finalized invoices: the invoice stays as issued, the credit note says
// what is given back and why, line by line. Decided under the invoice's row lock, so two
// concurrent credit notes cannot together credit more than the invoice (or a line) carried.
// When credit notes and payments leave nothing due, the invoice becomes `paid`. Its journal
// entry (and, for deferred lines, the reduction of their schedules) is posted in the same
// transaction, dated the day it is issued (`now`).
import { Decimal } from 'decimal.js'
import { asc, eq, inArray, sql } from 'drizzle-orm'
import { ConflictError, UnprocessableError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { nextDocumentNumber } from './documentNumbers.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import type { CurrencyRepository } from './currencies.ts'
import { balanceOf, lockInvoice, minorUnitsOf, parseAmount } from './invoices.ts'
import { invoiceStateError } from './invoiceStateError.ts'
import { postCreditNoteIn } from './accounting/lifecyclePostings.ts'
import { creditNoteLines, creditNotes as table, type CreditNoteReason } from './schema/creditNotes.ts'
import { creditNoteTaxes, exclusiveCreditedTax } from './tax/creditNoteTaxes.ts'
import { storedLineTaxes } from './tax/invoiceTaxes.ts'
import { invoiceLines, invoices } from './schema/invoices.ts'

export const CREDIT_NOTE_REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory', 'billing_error', 'other'] as const

export interface CreditNote {
  id: string
  orgId: string
  invoiceId: string
  number: number
  /** The issuing billing entity (the invoice's); null: the organisation. */
  billingEntityId: string | null
  /** The entity's credit-note prefix + the number padded to 6 digits; null without a prefix. */
  displayNumber: string | null
  reason: CreditNoteReason
  memo: string | null
  total: string
  lines: { invoiceLineId: string; amount: string }[]
  createdAt: string
}

export interface CreateCreditNoteInput {
  orgId: string
  invoiceId: string
  reason: CreditNoteReason
  memo?: string | null
  /** Amounts per invoice line; absent = everything still creditable (a full credit note). */
  lines?: { invoiceLineId: string; amount: string }[]
  /** When it is issued (the caller's clock): `paid_at` of the invoice it settles. */
  now: Date
}

export interface CreditNoteRepository {
  create(input: CreateCreditNoteInput): Promise<CreditNote>
  listForInvoice(orgId: string, invoiceId: string): Promise<CreditNote[]>
}

export function createCreditNoteRepository(db: Database, deps: { currencies: Pick<CurrencyRepository, 'table'> }): CreditNoteRepository {
  async function load(t: Database, ids: string[]): Promise<CreditNote[]> {
    if (ids.length === 0) return []
    const notes = await t.select().from(table).where(inArray(table.id, ids)).orderBy(asc(table.number))
    const lines = await t.select().from(creditNoteLines).where(inArray(creditNoteLines.creditNoteId, ids))
    return notes.map((n) => ({
      id: n.id,
      orgId: n.orgId,
      invoiceId: n.invoiceId,
      number: n.number,
      billingEntityId: n.billingEntityId,
      displayNumber: n.displayNumber,
      reason: n.reason,
      memo: n.memo,
      total: n.total,
      lines: lines.filter((l) => l.creditNoteId === n.id).map((l) => ({ invoiceLineId: l.invoiceLineId, amount: l.amount })),
      createdAt: toIso(n.createdAt),
    }))
  }

  return {
    async create(input) {
      // Read before the transaction (declarations never change): PGlite runs one statement at
      // a time, so a read outside an open transaction would wait for it to end.
      const currencies = await deps.currencies.table(input.orgId)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const invoice = await lockInvoice(tx, input.orgId, input.invoiceId)
        if (invoice.status !== 'finalized' && invoice.status !== 'paid') throw invoiceStateError('credit', invoice)
        const minor = minorUnitsOf(currencies, invoice)
        const invLines = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id))
        const creditedRows = await tx
          .select({ lineId: creditNoteLines.invoiceLineId, s: sql<string>`sum(${creditNoteLines.amount})` })
          .from(creditNoteLines)
          .innerJoin(table, eq(table.id, creditNoteLines.creditNoteId))
          .where(eq(table.invoiceId, invoice.id))
          .groupBy(creditNoteLines.invoiceLineId)
        // Credited so far per line, including the earlier entries of this request: two entries
        // for one line must not together credit more than the line carried.
        const credited = new Map(creditedRows.map((r) => [r.lineId, new Decimal(r.s)]))
        const remaining = (lineId: string, amount: string) => new Decimal(amount).minus(credited.get(lineId) ?? 0)
        const balance = await balanceOf(tx, invoice)
        const creditable = new Decimal(invoice.total).minus(balance.credited)
        let chosen: { invoiceLineId: string; amount: Decimal }[]
        if (input.lines === undefined) {
          chosen = invLines.map((l) => ({ invoiceLineId: l.id, amount: remaining(l.id, l.amount) })).filter((l) => !l.amount.isZero())
        } else {
          chosen = input.lines.map((given, i) => {
            const line = invLines.find((l) => l.id === given.invoiceLineId)
            const fail = (code: string, message: string) => new UnprocessableError(code, message, [{ field: `lines[${i}]`, code, message }])
            if (!isUuid(given.invoiceLineId) || !line) {
              throw fail(
                'invoice_line_not_found',
                `line ${given.invoiceLineId} is not on invoice ${invoice.id}; GET /v1/invoices/${invoice.id} lists its lines`,
              )
            }
            const amount = parseAmount(given.amount, `lines[${i}].amount`)
            if (!amount.greaterThan(0)) throw fail('invalid_amount', `a credited amount is greater than zero, got ${given.amount}`)
            if (amount.decimalPlaces() > minor)
              throw fail('invalid_amount', `amounts in ${invoice.currency} have at most ${minor} decimals, got ${given.amount}`)
            const left = remaining(line.id, line.amount)
            if (amount.greaterThan(left)) {
              throw fail(
                'credit_exceeds_line',
                `line ${line.id} (${line.description}) has ${left.toFixed(minor)} ${invoice.currency} left to credit; ${given.amount} is more`,
              )
            }
            credited.set(line.id, (credited.get(line.id) ?? new Decimal(0)).plus(amount))
            return { invoiceLineId: line.id, amount }
          })
        }
        // Each credited line gives back its share of the line's tax; exclusive shares add to the total.
        const shares = creditNoteTaxes({
          lines: invLines,
          taxes: await storedLineTaxes(tx, invoice.id),
          creditedBefore: new Map(creditedRows.map((r) => [r.lineId, r.s])),
          credits: chosen,
          minorUnits: minor,
        })
        const total = chosen.reduce((acc, l) => acc.plus(l.amount), new Decimal(0)).plus(exclusiveCreditedTax(shares).toFixed())
        if (!total.greaterThan(0)) {
          throw new ConflictError(
            'nothing_to_credit',
            `invoice ${invoice.id} has been credited in full (${balance.credited} ${invoice.currency}); nothing is left to credit`,
            {
              hint: `Its credit notes are listed by GET /v1/invoices/${invoice.id}.`,
            },
          )
        }
        if (total.greaterThan(creditable)) {
          throw new UnprocessableError(
            'credit_exceeds_invoice',
            `credit of ${total.toFixed(minor)} ${invoice.currency} is more than the ${creditable.toFixed(minor)} left to credit on invoice ${invoice.id}`,
            [{ field: 'lines', code: 'credit_exceeds_invoice', message: `at most ${creditable.toFixed(minor)} in all` }],
          )
        }
        // Issued by whoever issued the invoice, from that issuer's credit-note sequence.
        const billingEntityId = invoice.billingEntityId
        const { number, displayNumber } = await nextDocumentNumber(tx, { orgId: input.orgId, billingEntityId }, 'credit_note')
        const [note] = await tx
          .insert(table)
          .values({
            orgId: input.orgId,
            invoiceId: invoice.id,
            number,
            billingEntityId,
            displayNumber,
            reason: input.reason,
            memo: input.memo ?? null,
            total: total.toFixed(minor),
            createdAt: input.now,
          })
          .returning()
        await tx
          .insert(creditNoteLines)
          .values(chosen.map((l) => ({ creditNoteId: note!.id, invoiceLineId: l.invoiceLineId, amount: l.amount.toFixed(minor) })))
        if (invoice.status === 'finalized' && !new Decimal((await balanceOf(tx, invoice)).due).greaterThan(0)) {
          await tx.update(invoices).set({ status: 'paid', paidAt: input.now }).where(eq(invoices.id, invoice.id))
        }
        await postCreditNoteIn(tx, invoice, note!.id, input.now)
        return (await load(tx, [note!.id]))[0]!
      })
    },

    async listForInvoice(orgId, invoiceId) {
      assertOrgId(orgId)
      if (!isUuid(invoiceId)) return []
      const ids = await db.select({ id: table.id }).from(table).where(eq(table.invoiceId, invoiceId))
      return (
        await load(
          db,
          ids.map((r) => r.id),
        )
      ).filter((n) => n.orgId === orgId)
    },
  }
}
