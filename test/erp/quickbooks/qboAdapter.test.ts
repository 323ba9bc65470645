import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ErpJournal } from '../../../connectors/erp/erpAdapter.ts'
import { erpContractSuite, Sender } from '../erpContractSuite.ts'
import * as fixtures from '../erpFixtures.ts'
import { journalWith } from '../erpFixtures.ts'
import type { El } from './qboBooks.ts'
import { QBO_ACCOUNT_MAP, qboAdapterFor, startQboPeer } from './qboPeer.ts'
import { startQboTestServer, type QboTestServer } from './qboTestServer.ts'

erpContractSuite({ name: 'quickbooks', start: startQboPeer })

type Fault = { Fault: { type: string; Error: { Message: string; Detail: string; code: string }[] } }

describe('QuickBooks adapter against the QuickBooks test server', () => {
  let server: QboTestServer
  let sender: Sender
  beforeEach(async () => {
    server = await startQboTestServer()
    sender = new Sender(qboAdapterFor(server))
  })
  afterEach(async () => {
    await server.close()
  })

  const journalLines = (index: number) => ([...server.books.journals.values()][index]!.Line as El[]).map((l) => [l.Amount, l.JournalEntryLineDetail])

  it('an unbalanced journal entry, or one without a credit line, is refused by QuickBooks with its message, and nothing is stored', async () => {
    expect(
      await sender.send(
        journalWith('je_unbalanced', [
          ['2100', '26.00', '0'],
          ['4000', '0', '25.99'],
        ]),
      ),
    ).toEqual({
      status: 'failed',
      code: 'quickbooks_validation',
      message: 'A business validation error has occurred while processing your request: Transaction must balance: debits 26 and credits 25.99 differ by 0.01',
    })
    expect(
      await sender.send(
        journalWith('je_debits_only', [
          ['2100', '13.00', '0'],
          ['2100', '13.00', '0'],
        ]),
      ),
    ).toMatchObject({ status: 'failed', message: expect.stringContaining('at least one debit line and one credit line') })
    expect(server.books.journals.size).toBe(0)
  })

  it('an AR line without a customer is refused; with the customer sent it carries Entity and is accepted', async () => {
    const toAr = (customer?: string): ErpJournal => {
      const journal = journalWith(`je_ar_${customer ?? 'none'}`, [
        ['1100', '50.00', '0'],
        ['4000', '0', '50.00'],
      ])
      return { ...journal, lines: [{ ...journal.lines[0]!, customerTallyId: customer ?? null }, journal.lines[1]!] }
    }
    expect(await sender.send(toAr())).toMatchObject({
      status: 'failed',
      code: 'quickbooks_validation',
      message: expect.stringContaining('When you use Accounts Receivable, you must choose a customer in the Name field.'),
    })
    await sender.sendAll([fixtures.customer])
    expect(await sender.send(toAr('cus_acme'))).toMatchObject({ status: 'sent' })
    expect(journalLines(0)).toEqual([
      ['50', { PostingType: 'Debit', Entity: { Type: 'Customer', EntityRef: { value: sender.id(fixtures.customer) } }, AccountRef: { value: '84' } }],
      ['50', { PostingType: 'Credit', AccountRef: { value: '79' } }],
    ])
  })

  it('a requestid replay answers the first document: the same key with a changed body is still one invoice, the first one', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    const first = sender.id(fixtures.invoice)
    const again = await sender.send({ ...fixtures.invoice, lines: [fixtures.invoice.lines[0]!], total: '132.33' })
    expect(again).toEqual({ status: 'sent', erpId: first })
    expect(server.books.invoices.size).toBe(1)
    expect(server.books.invoices.get(first)!.total.toFixed()).toBe('284.18')
    const writes = server.requests.filter((r) => r.method === 'POST')
    expect(writes.map((r) => [r.path, r.requestId])).toEqual([
      ['customer', 'outbox-customer-cus_acme'],
      ['invoice', 'outbox-invoice-inv_0001'],
      ['invoice', 'outbox-invoice-inv_0001'],
    ])
  })

  it('amounts arrive digit for digit: 0.1 + 0.2 against 0.3 balances, 12345678901234567.89 stays whole', async () => {
    // As floats 0.1 + 0.2 - 0.3 = 5.55e-17 and Number('12345678901234567.89') = 12345678901234568.
    const tenths = journalWith('je_tenths', [
      ['2100', '0.1', '0'],
      ['2100', '0.2', '0'],
      ['4000', '0', '0.3'],
    ])
    expect(await sender.send(tenths)).toMatchObject({ status: 'sent' })
    expect(journalLines(0).map(([amount]) => amount)).toEqual(['0.1', '0.2', '0.3'])
    const big = journalWith('je_big', [
      ['2100', '12345678901234567.89', '0'],
      ['4000', '0', '12345678901234567.89'],
    ])
    expect(await sender.send(big)).toMatchObject({ status: 'sent' })
    expect(journalLines(1).map(([amount]) => amount)).toEqual(['12345678901234567.89', '12345678901234567.89'])
    await sender.sendAll([fixtures.customer, fixtures.bigInvoice])
    const invoice = server.books.invoices.get(sender.id(fixtures.bigInvoice))!.element
    expect((invoice.Line as El[])[0]).toMatchObject({ Amount: '12345678901234.56', SalesItemLineDetail: { Qty: '1', UnitPrice: '12345678901234.56' } })
    expect(invoice.TotalAmt).toBe('12345678901234.56')
  })

  it('sends Qty × UnitPrice when it is the line amount, else 1 × amount with the price in the description; tax in TxnTaxDetail', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    const invoice = server.books.invoices.get(sender.id(fixtures.invoice))!.element
    expect(invoice).toMatchObject({
      DocNumber: 'INV-0001',
      PrivateNote: 'Tally inv_0001',
      TxnDate: '2025-06-01',
      DueDate: '2025-07-01',
      TxnTaxDetail: { TotalTax: '12.03' },
    })
    expect(invoice.Line).toEqual([
      {
        DetailType: 'SalesItemLineDetail',
        Amount: '120.3',
        Description: 'Seats',
        SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: '3', UnitPrice: '40.1', TaxCodeRef: { value: 'TAX' } },
      },
      {
        DetailType: 'SalesItemLineDetail',
        Amount: '151.85',
        Description: 'API calls (1234567 × 0.000123)',
        SalesItemLineDetail: { ItemRef: { value: '2' }, Qty: '1', UnitPrice: '151.85', TaxCodeRef: { value: 'NON' } },
      },
    ])
  })

  it('a payment links its invoice and a credit memo is applied by a zero payment: 284.18 − 100.10 − 0.30 = 183.78 open', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice, fixtures.payment, fixtures.creditNote])
    const invoiceId = sender.id(fixtures.invoice)
    expect(server.books.invoices.get(invoiceId)!.balance.toFixed()).toBe('183.78')
    expect([...server.books.payments.values()].map((p) => [p.TotalAmt, (p.Line as El[]).map((l) => [l.Amount, l.LinkedTxn])])).toEqual([
      ['100.1', [['100.1', [{ TxnId: invoiceId, TxnType: 'Invoice' }]]]],
      [
        '0',
        [
          ['0.3', [{ TxnId: invoiceId, TxnType: 'Invoice' }]],
          ['0.3', [{ TxnId: sender.id(fixtures.creditNote), TxnType: 'CreditMemo' }]],
        ],
      ],
    ])
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.requestId)).toContain('outbox-credit_note-cn_1:apply')
  })

  it('QuickBooks refuses a payment above the balance and a void of a paid invoice', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    expect(await sender.send({ ...fixtures.payment, amount: '284.19' })).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('exceeds the open balance 284.18'),
    })
    await sender.send(fixtures.payment, 'outbox-payment-2')
    expect(await sender.send({ ...fixtures.voidBigInvoice, invoiceTallyId: 'inv_0001' })).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('has payments or credits applied to it'),
    })
  })

  it('matches a customer QuickBooks already holds by DisplayName instead of creating a second one', async () => {
    const existing = server.books.addCustomer({ DisplayName: "Acme's Ltd", CurrencyRef: { value: 'USD' } })
    expect(await sender.send({ ...fixtures.customer, name: "Acme's Ltd" })).toEqual({ status: 'sent', erpId: existing.Id })
    expect(server.books.customers.size).toBe(1)
    expect(server.requests.map((r) => r.method)).toEqual(['GET'])
  })

  it('refuses what it cannot map before any request: unmapped account or item (named), 3-place amount, unsent dependency, long DocNumber, colon in a name', async () => {
    const { '1000': _cash, 'item.4100': _usage, ...narrowMap } = QBO_ACCOUNT_MAP
    const narrow = new Sender(qboAdapterFor(server, { accountMap: narrowMap }))
    narrow.ids.set('customer:cus_acme', '100')
    narrow.ids.set('invoice:inv_0001', '101')
    expect(await narrow.send(fixtures.invoice)).toEqual({
      status: 'failed',
      code: 'unmapped_item',
      message: "Tally account 4100 has no QuickBooks item in this connection's account map (item.4100)",
    })
    expect(await narrow.send(fixtures.payment)).toMatchObject({ status: 'failed', code: 'unmapped_account' })
    const thousandths = journalWith('je_3dp', [
      ['2100', '0.005', '0'],
      ['4000', '0', '0.005'],
    ])
    expect(await sender.send(thousandths)).toMatchObject({ status: 'failed', code: 'unsupported_amount' })
    expect(await sender.send(fixtures.payment)).toEqual({
      status: 'failed',
      code: 'missing_reference',
      message: 'invoice inv_0001 has not been sent to QuickBooks yet',
    })
    sender.ids.set('customer:cus_acme', '100')
    expect(await sender.send({ ...fixtures.invoice, number: 'INV-000000000000000001' })).toMatchObject({ status: 'failed', code: 'field_invalid' })
    expect(await sender.send({ ...fixtures.customer, name: 'Acme: EMEA' })).toMatchObject({ status: 'failed', code: 'field_invalid' })
    expect(server.requests).toHaveLength(0)
  })

  it('a refused token refresh → failed (the connection must be authorised again)', async () => {
    server.faults.expireToken()
    const stale = new Sender(qboAdapterFor(server, { tokens: { ...server.initialTokens, refreshToken: 'revoked' } }))
    expect(await stale.send(fixtures.customer)).toMatchObject({ status: 'failed', code: 'quickbooks_token_refresh_refused' })
  })

  it("the server checks bodies against Intuit's XSD types: unknown fields, a string for a decimal, an enumeration", async () => {
    const post = async (entity: string, body: unknown) => {
      const res = await fetch(`${server.baseUrl}/company/${server.realmId}/${entity}?minorversion=75`, {
        method: 'POST',
        headers: { authorization: 'Bearer access-1', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const fault = ((await res.json()) as Fault).Fault
      return [res.status, fault.type, fault.Error.map((e) => [e.code, e.Detail])]
    }
    expect(await post('invoice', { CustomerRef: { value: '1' }, Lines: [], Line: [{ Amount: '10.00', DetailType: 'SalesItemLineDetail' }] })).toEqual([
      400,
      'ValidationFault',
      [
        ['2010', 'Property Name:Invoice.Lines specified is unsupported or invalid'],
        ['2010', 'Invoice.Line[0].Amount: expected a number (xs:decimal)'],
      ],
    ])
    const line = { Amount: 1, DetailType: 'JournalEntryLineDetail', JournalEntryLineDetail: { PostingType: 'Both', AccountRef: { value: '79', id: '79' } } }
    expect(await post('journalentry', { Line: [line] })).toEqual([
      400,
      'ValidationFault',
      [
        ['2010', 'JournalEntry.Line[0].JournalEntryLineDetail.PostingType: "Both" is not one of Credit, Debit (PostingTypeEnum)'],
        ['2010', 'Property Name:JournalEntry.Line[0].JournalEntryLineDetail.AccountRef.id specified is unsupported or invalid'],
      ],
    ])
    expect(server.books.journals.size + server.books.invoices.size).toBe(0)
  })
})
