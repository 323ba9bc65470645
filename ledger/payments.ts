// Payments recorded against finalized invoices (amount, date, method, reference). Decided
// under the invoice's row lock: the amount may not exceed what is due, and the payment that
// leaves nothing due turns the invoice `paid`. Its journal entry (Dr Cash / Cr AR on `paid_on`)
// is posted in the same transaction.
import { Decimal } from 'decimal.js'
import { and, asc, eq } from 'drizzle-orm'
import { UnprocessableError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertDate } from './contracts.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import type { CurrencyRepository } from './currencies.ts'
import { balanceOf, lockInvoice, minorUnitsOf, parseAmount } from './invoices.ts'
import { invoiceStateError } from './invoiceStateError.ts'
import { postPaymentIn } from './accounting/lifecyclePostings.ts'
import { queuePaymentEventIn } from './webhooks/lifecycleEvents.ts'
import { invoices } from './schema/invoices.ts'
import { payments as table, type PaymentMethod } from './schema/payments.ts'

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'direct_debit', 'cash', 'check', 'other'] as const

export interface Payment {
  id: string
  orgId: string
  invoiceId: string
  amount: string
  currency: string
  paidOn: string
  method: PaymentMethod
  reference: string | null
  createdAt: string
}

export interface RecordPaymentInput {
  orgId: string
  invoiceId: string
  amount: string
  /** Must be the invoice's currency when given. */
  currency?: string
  paidOn: string
  method: PaymentMethod
  reference?: string | null
  /** When it is recorded (the caller's clock): `paid_at` of the invoice this payment settles. */
  now: Date
}

export interface PaymentRepository {
  record(input: RecordPaymentInput): Promise<Payment>
  listForInvoice(orgId: string, invoiceId: string): Promise<Payment[]>
}

function toPayment(row: typeof table.$inferSelect): Payment {
  return { ...row, createdAt: toIso(row.createdAt) }
}

export function createPaymentRepository(db: Database, deps: { currencies: Pick<CurrencyRepository, 'table'> }): PaymentRepository {
  return {
    async record(input) {
      assertDate(input.paidOn, 'paid_on')
      // Read before the transaction (declarations never change): PGlite runs one statement at
      // a time, so a read outside an open transaction would wait for it to end.
      const currencies = await deps.currencies.table(input.orgId)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const invoice = await lockInvoice(tx, input.orgId, input.invoiceId)
        if (invoice.status !== 'finalized') throw invoiceStateError('pay', invoice)
        if (input.currency !== undefined && input.currency !== invoice.currency) {
          const message = `invoice ${invoice.id} is in ${invoice.currency}; record the payment in ${invoice.currency} (converted as your bank did), not ${input.currency}`
          throw new UnprocessableError('currency_mismatch', message, [{ field: 'currency', code: 'currency_mismatch', message: `must be ${invoice.currency}` }])
        }
        const amount = parseAmount(input.amount, 'amount')
        const minor = minorUnitsOf(currencies, invoice)
        const field = (code: string, message: string) => new UnprocessableError(code, message, [{ field: 'amount', code, message }])
        if (!amount.greaterThan(0)) throw field('invalid_amount', `a payment is greater than zero, got ${input.amount}`)
        if (amount.decimalPlaces() > minor) throw field('invalid_amount', `amounts in ${invoice.currency} have at most ${minor} decimals, got ${input.amount}`)
        const due = new Decimal((await balanceOf(tx, invoice)).due)
        if (amount.greaterThan(due))
          throw field('overpayment', `only ${due.toFixed(minor)} ${invoice.currency} is due on invoice ${invoice.id}; record at most that`)
        const [row] = await tx
          .insert(table)
          .values({
            orgId: input.orgId,
            invoiceId: invoice.id,
            amount: amount.toFixed(minor),
            currency: invoice.currency,
            paidOn: input.paidOn,
            method: input.method,
            reference: input.reference ?? null,
            createdAt: input.now,
          })
          .returning()
        if (amount.equals(due)) await tx.update(invoices).set({ status: 'paid', paidAt: input.now }).where(eq(invoices.id, invoice.id))
        await postPaymentIn(tx, invoice, row!, input.now)
        await queuePaymentEventIn(tx, { invoice, payment: row!, at: input.now })
        return toPayment(row!)
      })
    },

    async listForInvoice(orgId, invoiceId) {
      assertOrgId(orgId)
      if (!isUuid(invoiceId)) return []
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.invoiceId, invoiceId)))
        .orderBy(asc(table.createdAt))
      return rows.map(toPayment)
    },
  }
}
