// The invoice lifecycle actions, each a confirmation page with its form: finalize, void,
// reissue, credit note and payment. A refused action comes back to the same page with the
// ledger's code as a readable message, the fields as they were typed.
import type { FC } from 'hono/jsx'
import { creditNoteRequest, paymentRequest } from '../../ledger/http/invoiceSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { documentNumber } from './documentNumber.ts'
import { invoiceLabel, type Invoice, type InvoiceDetail } from './invoices.tsx'
import { ErrorNotice, Layout, PostForm } from './layout.tsx'

export const INVOICE_ACTIONS = ['finalize', 'void', 'reissue', 'credit-note', 'payment'] as const
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number]

const CREDIT_REASONS = creditNoteRequest.shape.reason.options
const PAYMENT_METHODS = paymentRequest.shape.method.options

/** The label of each action's link on the invoice and of its confirming button. */
export const ACTION_LABELS: Record<InvoiceAction, { link: string; submit: string; title: string }> = {
  finalize: { link: 'Finalize…', submit: 'Finalize invoice', title: 'Finalize' },
  void: { link: 'Void…', submit: 'Void invoice', title: 'Void' },
  reissue: { link: 'Reissue…', submit: 'Reissue invoice', title: 'Reissue' },
  'credit-note': { link: 'Credit note…', submit: 'Issue credit note', title: 'Credit note for' },
  payment: { link: 'Record payment…', submit: 'Record payment', title: 'Record a payment on' },
}

/** Which actions an invoice's state offers (the ledger still decides, and says why it refuses). */
export function actionsFor(i: InvoiceDetail): InvoiceAction[] {
  if (i.status === 'draft') return ['finalize']
  if (i.status === 'finalized') return ['payment', 'credit-note', 'void']
  if (i.status === 'paid') return ['credit-note']
  return i.replaced_by_invoice_id === null ? ['reissue'] : []
}

/** What the invoice page says after an action went through. */
export function doneNotice(done: string | undefined, invoice: Pick<Invoice, 'number' | 'display_number' | 'replaces_invoice_id'>): string | undefined {
  switch (done) {
    case 'finalize':
      return `Finalized: this is invoice ${documentNumber(invoice)}.`
    case 'void':
      return 'Voided. Reissue it to bill its period again.'
    case 'reissue':
      return 'Reissued: this draft bills the void invoice’s period again.'
    case 'credit-note':
      return 'Credit note issued.'
    case 'payment':
      return 'Payment recorded.'
    default:
      return undefined
  }
}

const Explanation: FC<{ action: InvoiceAction; invoice: InvoiceDetail }> = ({ action, invoice: i }) => {
  const total = `${i.total} ${i.currency}`
  switch (action) {
    case 'finalize':
      return (
        <p>
          Finalizing gives the invoice the next number and makes it final: its lines and its total of <strong>{total}</strong> can no longer change. Corrections
          are then credit notes.
        </p>
      )
    case 'void':
      return (
        <p>
          Voiding cancels the whole invoice of <strong>{total}</strong>: it keeps its number, owes nothing, and its ledger entries are reversed. Reissue it
          afterwards to bill the period again. An invoice with payments cannot be voided: credit it instead.
        </p>
      )
    case 'reissue':
      return <p>Reissuing rates this void invoice's period again with today's usage and the contract's current prices, and writes a new draft.</p>
    case 'credit-note':
      return (
        <p>
          A credit note takes an amount off this finalized invoice (balance due <strong>{`${i.balance.due} ${i.currency}`}</strong>). Leave every line empty to
          credit everything still creditable.
        </p>
      )
    case 'payment':
      return (
        <p>
          Records money received against this invoice; the balance due is <strong>{`${i.balance.due} ${i.currency}`}</strong>. Paid in full, the invoice becomes
          paid.
        </p>
      )
  }
}

const Fields: FC<{ action: InvoiceAction; invoice: InvoiceDetail; form: Record<string, string>; today: string }> = ({ action, invoice: i, form, today }) => {
  if (action === 'void')
    return (
      <p class="wide">
        <label for="void-reason">Reason</label>
        <textarea id="void-reason" name="reason" required rows={2} maxlength={500}>
          {form.reason ?? ''}
        </textarea>
      </p>
    )
  if (action === 'credit-note')
    return (
      <>
        <p>
          <label for="credit-reason">Reason</label>
          <select id="credit-reason" name="reason">
            {CREDIT_REASONS.map((r) => (
              <option value={r} selected={form.reason === r}>
                {r.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </p>
        <p class="wide">
          <label for="credit-memo">Memo</label>
          <input id="credit-memo" name="memo" value={form.memo ?? ''} maxlength={2000} />
        </p>
        <fieldset class="wide">
          <legend>Amount to credit per line ({i.currency}; empty: credit everything)</legend>
          {i.lines.map((l) => (
            <p>
              <label for={`line-${l.id}`}>
                Line {l.position + 1}: {l.description} ({l.amount})
              </label>
              <input id={`line-${l.id}`} name={`line_${l.id}`} inputmode="decimal" value={form[`line_${l.id}`] ?? ''} />
            </p>
          ))}
        </fieldset>
      </>
    )
  if (action === 'payment')
    return (
      <>
        <p>
          <label for="payment-amount">Amount ({i.currency})</label>
          <input id="payment-amount" name="amount" inputmode="decimal" required value={form.amount ?? i.balance.due} />
        </p>
        <p>
          <label for="payment-date">Paid on</label>
          <input id="payment-date" name="paid_on" type="date" required value={form.paid_on ?? today} />
        </p>
        <p>
          <label for="payment-method">Method</label>
          <select id="payment-method" name="method">
            {PAYMENT_METHODS.map((m) => (
              <option value={m} selected={(form.method ?? 'bank_transfer') === m}>
                {m.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="payment-reference">Reference</label>
          <input id="payment-reference" name="reference" value={form.reference ?? ''} maxlength={200} />
        </p>
      </>
    )
  return null
}

export const InvoiceActionPage: FC<{
  assets: Assets
  csrf: string
  action: InvoiceAction
  invoice: InvoiceDetail
  today: string
  form?: Record<string, string>
  error?: Problem
}> = (p) => {
  const href = `/console/invoices/${encodeURIComponent(p.invoice.id)}`
  const label = ACTION_LABELS[p.action]
  return (
    <Layout title={`${label.title} ${invoiceLabel(p.invoice)}`} assets={p.assets} csrf={p.csrf} section="invoices">
      <p class="crumbs">
        <a href="/console/invoices">Invoices</a> › <a href={href}>{invoiceLabel(p.invoice)}</a>
      </p>
      <h1>
        {label.title} {invoiceLabel(p.invoice)}?
      </h1>
      <Explanation action={p.action} invoice={p.invoice} />
      {p.error === undefined ? null : <ErrorNotice {...p.error} />}
      <PostForm action={`${href}/${p.action}`} csrf={p.csrf} submit={label.submit} cancel={href}>
        <Fields action={p.action} invoice={p.invoice} form={p.form ?? {}} today={p.today} />
      </PostForm>
    </Layout>
  )
}
