// NetSuite CSV import files, for teams that import a month by hand (Setup > Import/Export >
// Import CSV Records) instead of connecting the API: journal entries (one row per line) and
// invoices (one row per item line). Each document's rows repeat its External ID, which is how
// the import assistant groups lines into one transaction, and it is the same external id the
// API sync writes (mapping.ts), so a record imported from a file and later synced is one record.
//
// Names: with a NetSuite connection, accounts, items, currencies and the subsidiary are the
// connection's internal ids (as the API sends them); without one, the Tally account code (map
// it to the account number or an item in the assistant), the ISO currency and the subsidiary
// given. Dates in the account's date format preference (default MM/DD/YYYY, NetSuite's US
// default). Amounts are decimal strings as Tally booked them.
import { Dec } from '../../../platform/decimal.ts'
import { csvFile, type CsvColumn } from '../../../platform/csvWriter.ts'
import type { ErpCustomer, ErpInvoice, ErpJournal } from '../erpAdapter.ts'
import { quantityAndRate } from './documents.ts'
import { refuseNegativeInvoice } from '../mappingBasics.ts'
import { NetSuiteMappingError, netsuiteExternalId, type NetSuiteMapping } from './mapping.ts'

export const DATE_FORMATS = ['MM/DD/YYYY', 'DD/MM/YYYY', 'YYYY-MM-DD'] as const
export type NetSuiteDateFormat = (typeof DATE_FORMATS)[number]

/** How the file names NetSuite's records. */
export interface CsvNames {
  subsidiary: string
  account(tallyCode: string): string
  item(tallyCode: string): string
  currency(code: string): string
}

/** The connection's internal ids, through the adapter's mapping (its refusals are the adapter's). */
export function connectionNames(mapping: NetSuiteMapping): CsvNames {
  return {
    subsidiary: mapping.subsidiary().id,
    account: (code) => mapping.account(code).id,
    item: (code) => mapping.item(code).id,
    currency: (code) => mapping.currency(code).id,
  }
}

/** Tally's own names: account codes, ISO currencies, the subsidiary given (empty outside OneWorld). */
export function tallyNames(subsidiary: string): CsvNames {
  return { subsidiary, account: (code) => code, item: (code) => code, currency: (code) => code.toUpperCase() }
}

function dateIn(date: string, format: NetSuiteDateFormat): string {
  const [y, m, d] = date.split('-') as [string, string, string]
  return format === 'MM/DD/YYYY' ? `${m}/${d}/${y}` : format === 'DD/MM/YYYY' ? `${d}/${m}/${y}` : date
}

const text = (header: string): CsvColumn => ({ header })
const number = (header: string): CsvColumn => ({ header, number: true })

export const JOURNAL_COLUMNS = [
  text('External ID'),
  text('Date'),
  text('Subsidiary'),
  text('Currency'),
  text('Memo'),
  text('Account'),
  number('Debit'),
  number('Credit'),
  text('Line Memo'),
  text('Name'),
]

/** Journal entries, one row per line; a line naming a customer carries the customer's external id as its Name. */
export function journalImportCsv(journals: ErpJournal[], names: CsvNames, dateFormat: NetSuiteDateFormat): string {
  const rows = journals.flatMap((journal) => {
    const externalId = netsuiteExternalId('journal', journal.tallyId)
    return journal.lines.map((line) => [
      externalId,
      dateIn(journal.postedOn, dateFormat),
      names.subsidiary,
      names.currency(journal.currency),
      `${journal.memo} (Tally ${journal.tallyId})`,
      names.account(line.accountCode),
      new Dec(line.debit).isZero() ? '' : line.debit,
      new Dec(line.credit).isZero() ? '' : line.credit,
      line.description,
      line.customerTallyId === null ? '' : netsuiteExternalId('customer', line.customerTallyId),
    ])
  })
  return csvFile(JOURNAL_COLUMNS, rows)
}

export const INVOICE_COLUMNS = [
  text('External ID'),
  text('Invoice Number'),
  text('Customer'),
  text('Customer Name'),
  text('Date'),
  text('Due Date'),
  text('Subsidiary'),
  text('Currency'),
  text('Memo'),
  text('Item'),
  text('Description'),
  number('Quantity'),
  number('Rate'),
  number('Amount'),
  number('Tax Amount'),
]

/** Invoices, one row per item line: quantity × rate is the amount, or 1 × amount as the API sends it (documents.ts). An invoice below zero refuses the file (`negative_total`, as the sync). */
export function invoiceImportCsv(invoices: ErpInvoice[], customers: ErpCustomer[], names: CsvNames, dateFormat: NetSuiteDateFormat): string {
  for (const invoice of invoices) refuseNegativeInvoice(invoice, 'NetSuite', NetSuiteMappingError)
  const rows = invoices.flatMap((invoice) => {
    const externalId = netsuiteExternalId('invoice', invoice.tallyId)
    const customer = customers.find((c) => c.tallyId === invoice.customerTallyId)
    return invoice.lines.map((line) => {
      const { description, quantity, rate } = quantityAndRate(line)
      return [
        externalId,
        invoice.number,
        netsuiteExternalId('customer', invoice.customerTallyId),
        customer?.name ?? '',
        dateIn(invoice.issuedOn, dateFormat),
        dateIn(invoice.dueOn, dateFormat),
        names.subsidiary,
        names.currency(invoice.currency),
        `Tally ${invoice.tallyId}`,
        names.item(line.accountCode),
        description,
        quantity,
        rate,
        line.amount,
        line.taxAmount,
      ]
    })
  })
  return csvFile(INVOICE_COLUMNS, rows)
}
