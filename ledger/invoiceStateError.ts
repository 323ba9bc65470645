// The refusal of a lifecycle request the invoice's state does not allow (finalize, void, credit,
// pay, reissue): one stable code per operation, the state in a detail, a message saying what
// happened and a hint saying what to do next. Shared by the invoice, payment and credit note
// repositories and rating's reissue.
import { TallyError, type ConflictError } from '../platform/errors.ts'
import type { InvoiceStatus, invoices } from './schema/invoices.ts'

type Row = typeof invoices.$inferSelect

/** What a lifecycle request asks of an invoice; each has one stable code for "not in this state". */
export type InvoiceOperation = 'finalize' | 'void' | 'credit' | 'pay' | 'reissue'

const REFUSED_CODE: Record<InvoiceOperation, string> = {
  reissue: 'invoice_not_reissuable',
  finalize: 'invoice_not_finalizable',
  void: 'invoice_not_voidable',
  credit: 'invoice_not_creditable',
  pay: 'invoice_not_payable',
}

/** When and why an invoice was voided, for messages: `on 2026-11-03T10:00:00.000Z (issued in error)`. */
function voidedWhen(row: Pick<Row, 'voidedAt' | 'voidReason'>): string {
  return `on ${row.voidedAt?.toISOString() ?? 'an unknown date'}${row.voidReason ? ` (${row.voidReason})` : ''}`
}

/**
 * The 409 for an operation the invoice's state does not allow. The code names the operation
 * (stable, one per operation); the detail `{ field: 'status', code: 'invoice_<status>' }` names
 * the state, so a client can tell a draft (finalize it first) from a void invoice (never).
 * The message says what happened and the hint what to do next.
 */
export function invoiceStateError(op: InvoiceOperation, row: Pick<Row, 'id' | 'status' | 'voidedAt' | 'voidReason' | 'paidAt'>): ConflictError {
  const { id, status } = row
  const finalizeFirst = `Finalize it first (POST /v1/invoices/${id}/finalize), or correct the contract and let the next rating run rewrite the draft.`
  const voidIsFinal = `A void invoice stays void and nothing is owed on it; if the charges are still due, bill them on a new invoice (POST /v1/invoices/${id}/reissue).`
  const paidOn = `on ${row.paidAt?.toISOString() ?? 'an unknown date'}`
  const texts: Record<InvoiceOperation, Partial<Record<InvoiceStatus, [string, string]>>> = {
    reissue: {
      draft: [
        `invoice ${id} is a draft; only a void invoice is reissued`,
        'A draft is re-rated by the next rating run until its grace period ends: correct the contract or the usage and let the run rewrite it.',
      ],
      finalized: [
        `invoice ${id} is finalized; only a void invoice is reissued`,
        `Void it first (POST /v1/invoices/${id}/void) and reissue it, or correct it with a credit note (POST /v1/invoices/${id}/credit-notes).`,
      ],
      paid: [
        `invoice ${id} was paid ${paidOn}; only a void invoice is reissued`,
        `A paid invoice cannot be voided: correct it with a credit note (POST /v1/invoices/${id}/credit-notes).`,
      ],
    },
    finalize: {
      void: [`invoice ${id} was voided ${voidedWhen(row)}; a void invoice cannot be finalized`, voidIsFinal],
    },
    void: {
      draft: [`invoice ${id} is a draft: it has no number and is not owed yet, so there is nothing to void`, finalizeFirst],
      paid: [`invoice ${id} was paid ${paidOn}; a paid invoice cannot be voided`, `Give money back with a credit note (POST /v1/invoices/${id}/credit-notes).`],
    },
    credit: {
      draft: [`invoice ${id} is a draft; credit notes correct finalized invoices`, finalizeFirst],
      void: [`invoice ${id} was voided ${voidedWhen(row)}; nothing on it can be credited`, voidIsFinal],
    },
    pay: {
      draft: [`invoice ${id} is a draft; payments are recorded against finalized invoices`, `Finalize it first (POST /v1/invoices/${id}/finalize).`],
      void: [
        `invoice ${id} was voided ${voidedWhen(row)}; nothing is owed on it`,
        'Record the payment against the invoice that bills these charges now; a void invoice takes no payments.',
      ],
      paid: [
        `invoice ${id} was paid ${paidOn}; nothing is due on it`,
        'Check the invoice id, or record the money against another open invoice of the customer (GET /v1/invoices?status=finalized).',
      ],
    },
  }
  const done: Record<InvoiceOperation, string> = { finalize: 'finalized', void: 'voided', credit: 'credited', pay: 'paid', reissue: 'reissued' }
  const [message, hint] = texts[op][status] ?? [
    `invoice ${id} is ${status}; it cannot be ${done[op]}`,
    `Check the invoice and its status with GET /v1/invoices/${id}.`,
  ]
  // NOTE: a TallyError of category `conflict` (409) rather than a ConflictError, which takes no details.
  return new TallyError('conflict', REFUSED_CODE[op], message, [{ field: 'status', code: `invoice_${status}`, message: `the invoice is ${status}` }], { hint })
}
