import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ErpJournal } from '../../../connectors/erp/erpAdapter.ts'
import { erpContractSuite, Sender } from '../erpContractSuite.ts'
import * as fixtures from '../erpFixtures.ts'
import { startXeroTestServer, type XeroTestServer } from './xeroTestServer.ts'
import { startXeroPeer, xeroAdapterFor } from './xeroPeer.ts'

erpContractSuite({ name: 'xero', start: startXeroPeer })

const journalOf = (lines: [string, string, string][]): ErpJournal => ({
  ...fixtures.journal,
  tallyId: `je_${lines.length}_${lines[0]![0]}`,
  lines: lines.map(([accountCode, debit, credit]) => ({ accountCode, debit, credit, description: `line ${accountCode}`, customerTallyId: null })),
})

describe('Xero adapter against the Xero test server', () => {
  let server: XeroTestServer
  let sender: Sender
  beforeEach(async () => {
    server = await startXeroTestServer()
    sender = new Sender(xeroAdapterFor(server))
  })
  afterEach(async () => {
    await server.close()
  })

  it('a journal touching AR (Tally 1100 → Xero 610) is sent and refused by Xero, and nothing is stored', async () => {
    const outcome = await sender.send(
      journalOf([
        ['1100', '50.00', '0'],
        ['4000', '0', '50.00'],
      ]),
    )
    expect(outcome).toEqual({ status: 'failed', code: 'xero_validation', message: expect.stringContaining("Account code '610' is a system account") })
    expect(server.requests).toHaveLength(1)
    expect(server.books.journals.size).toBe(0)
  })

  it('an unbalanced journal is refused by Xero with its message', async () => {
    const outcome = await sender.send(
      journalOf([
        ['2100', '26.00', '0'],
        ['4000', '0', '25.99'],
      ]),
    )
    expect(outcome).toEqual({ status: 'failed', code: 'xero_validation', message: 'The journal lines must balance: debits and credits differ by 0.01' })
    expect(server.books.journals.size).toBe(0)
  })

  it('amounts arrive digit for digit: 0.1 + 0.2 against 0.3 balances, 12345678901234.56 stays whole', async () => {
    // As floats 0.1 + 0.2 - 0.3 = 5.55e-17 and Number('12345678901234567.89') = 12345678901234568.
    expect(
      await sender.send(
        journalOf([
          ['2100', '0.1', '0'],
          ['2100', '0.2', '0'],
          ['4000', '0', '0.3'],
        ]),
      ),
    ).toMatchObject({ status: 'sent' })
    const [journal] = [...server.books.journals.values()]
    expect((journal!.JournalLines as { LineAmount: string }[]).map((l) => l.LineAmount)).toEqual(['0.1', '0.2', '-0.3'])
    expect(
      await sender.send(
        journalOf([
          ['2100', '12345678901234567.89', '0'],
          ['4000', '0', '12345678901234567.89'],
        ]),
      ),
    ).toMatchObject({ status: 'sent' })
    const big = [...server.books.journals.values()][1]!
    expect((big.JournalLines as { LineAmount: string }[]).map((l) => l.LineAmount)).toEqual(['12345678901234567.89', '-12345678901234567.89'])
    await sender.sendAll([fixtures.customer, fixtures.bigInvoice])
    const invoice = server.books.invoices.get(sender.id(fixtures.bigInvoice))!
    expect(invoice.element.LineItems).toMatchObject([{ Quantity: '1', UnitAmount: '12345678901234.56', LineAmount: '12345678901234.56' }])
    expect(invoice.element.Total).toBe('12345678901234.56')
  })

  it('sends quantity × unit price when it is the line amount, else 1 × amount with the price in the description', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    const invoice = server.books.invoices.get(sender.id(fixtures.invoice))!.element
    expect(invoice).toMatchObject({
      Type: 'ACCREC',
      InvoiceNumber: 'INV-0001',
      Reference: 'inv_0001',
      Status: 'AUTHORISED',
      LineAmountTypes: 'Exclusive',
      CurrencyCode: 'USD',
    })
    expect(invoice.LineItems).toEqual([
      { Description: 'Seats', Quantity: '3', UnitAmount: '40.1', LineAmount: '120.3', AccountCode: '200', TaxType: 'OUTPUT', TaxAmount: '12.03' },
      {
        Description: 'API calls (1234567 × 0.000123)',
        Quantity: '1',
        UnitAmount: '151.85',
        LineAmount: '151.85',
        AccountCode: '260',
        TaxType: 'NONE',
        TaxAmount: '0',
      },
    ])
  })

  it('sends the outbox key as Idempotency-Key, and the allocation of a credit note under its own derived key', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice, fixtures.creditNote])
    expect(server.requests.map((r) => [r.method, r.path, r.idempotencyKey])).toEqual([
      ['PUT', '/Contacts', 'outbox-customer-cus_acme'],
      ['PUT', '/Invoices', 'outbox-invoice-inv_0001'],
      ['PUT', '/CreditNotes', 'outbox-credit_note-cn_1'],
      ['PUT', `/CreditNotes/${sender.id(fixtures.creditNote)}/Allocations`, 'outbox-credit_note-cn_1:allocation'],
    ])
    expect(server.books.invoices.get(sender.id(fixtures.invoice))!.due.toFixed()).toBe('283.88')
  })

  it('refuses what it cannot map before any request: unmapped account (named), journal outside the base currency, 3-place amount, unsent dependency', async () => {
    const narrow = new Sender(xeroAdapterFor(server, { accountMap: { '4000': '200' } }))
    narrow.ids.set('customer:cus_acme', 'contact-id')
    expect(await narrow.send(fixtures.invoice)).toEqual({
      status: 'failed',
      code: 'unmapped_account',
      message: "Tally account 4100 has no Xero account in this connection's account map",
    })
    expect(await sender.send({ ...fixtures.journal, currency: 'EUR' })).toMatchObject({ status: 'failed', code: 'journal_currency' })
    expect(
      await sender.send(
        journalOf([
          ['2100', '0.005', '0'],
          ['4000', '0', '0.005'],
        ]),
      ),
    ).toMatchObject({ status: 'failed', code: 'unsupported_amount' })
    expect(await sender.send(fixtures.payment)).toEqual({
      status: 'failed',
      code: 'missing_reference',
      message: 'invoice inv_0001 has not been sent to Xero yet',
    })
    expect(server.requests).toHaveLength(0)
  })

  it('Xero refuses a payment above the amount due and a void of a paid invoice', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    expect(await sender.send({ ...fixtures.payment, amount: '284.19' })).toMatchObject({
      status: 'failed',
      message: 'Payment amount exceeds the amount outstanding on this document',
    })
    await sender.send(fixtures.payment, 'outbox-payment-2')
    expect(await sender.send({ ...fixtures.voidBigInvoice, invoiceTallyId: 'inv_0001' })).toMatchObject({
      status: 'failed',
      message: 'This document cannot be edited as it has a payment or credit note allocated to it.',
    })
  })

  it('a refused token refresh → failed (the connection must be authorised again)', async () => {
    server.faults.expireToken()
    const stale = new Sender(xeroAdapterFor(server, { tokens: { ...server.initialTokens, refreshToken: 'revoked' } }))
    expect(await stale.send(fixtures.customer)).toMatchObject({ status: 'failed', code: 'xero_token_refresh_refused' })
  })

  it("the server validates bodies and headers against Xero's OpenAPI document", async () => {
    const put = (headers: Record<string, string>, body: unknown) =>
      fetch(`${server.baseUrl}/Invoices`, { method: 'PUT', headers: { authorization: 'Bearer access-1', ...headers }, body: JSON.stringify(body) })
    const misspelt = await put(
      { 'xero-tenant-id': server.tenantId },
      { Invoices: [{ Type: 'ACCREC', LineAmountType: 'Exclusive', Contact: { ContactID: 'nope' } }] },
    )
    expect(misspelt.status).toBe(400)
    const messages = ((await misspelt.json()) as { Elements: { ValidationErrors: { Message: string }[] }[] }).Elements[0]!.ValidationErrors.map(
      (e) => e.Message,
    )
    expect(messages).toEqual([
      'body/Invoices/0 must NOT have additional properties: LineAmountType',
      'body/Invoices/0/Contact/ContactID must match format "uuid"',
    ])
    expect((await put({}, { Invoices: [] })).status).toBe(403)
  })
})
