// Tally → QuickBooks Online ids and values: account ids through the connection's account map,
// the Item each sales line goes through (QBO books a sales line to its Item's income account,
// so each Tally account a sales line posts to names, as `item.<code>` in the same map, an Item
// whose income account it is: checked for revenue and contra-revenue accounts when the map is
// stored; any other missing one is fixed like a missing account, PUT …/account-map),
// customers and invoices through the ERP ids the drain recorded (refs), tax codes, currencies,
// and amounts at the precision QuickBooks books. Anything that cannot be mapped is refused here
// with a typed error naming what is missing, before any request.
import { ITEM_PREFIX } from '../../../ledger/erpStore.ts'
import { Dec } from '../../../platform/decimal.ts'
import { ErpMappingError } from '../erpMappingError.ts'
import { mappingBasics, type MappingBasics } from '../mappingBasics.ts'

export interface QuickBooksMappingConfig {
  /**
   * Tally account code → QuickBooks Account Id (payments' deposit account, journal lines), and
   * `item.<Tally account code>` → QuickBooks Item Id for invoice and credit memo lines posting to that account.
   */
  accountMap: Record<string, string>
  /** QuickBooks sales tax codes for lines with tax and without; default TAX and NON (US companies). */
  taxCodes?: { taxed: string; untaxed: string }
}

export type QuickBooksMappingErrorCode =
  'unmapped_account' | 'unmapped_item' | 'missing_reference' | 'unsupported_amount' | 'total_mismatch' | 'field_invalid' | 'negative_total'

/** A document QuickBooks cannot take as it stands: the outcome is `failed` with this code. */
export class QuickBooksMappingError extends ErpMappingError {
  declare readonly code: QuickBooksMappingErrorCode
}

// NOTE: QuickBooks keeps amounts (line, tax, totals, payments, journal lines) at 2 decimal
// places and a line's Qty and UnitPrice at 7. A value with more places would be rounded by
// QuickBooks and its books would disagree with Tally's: refused instead of rounded here.
export const AMOUNT_PLACES = 2
export const UNIT_PLACES = 7
/** DocNumber holds 21 characters; the requestid query parameter 50. */
const DOC_NUMBER_MAX = 21
export const REQUEST_ID_MAX = 50

export interface QuickBooksMapping extends MappingBasics {
  account(tallyCode: string): string
  item(tallyCode: string): string
  taxCode(taxAmount: string): string
  /** Whether a quantity or unit price fits QuickBooks' 7 places. */
  fitsUnitPlaces(value: string): boolean
  docNumber(number: string): string
  /** A name list entity's name: QuickBooks refuses a colon, tab or new line in one. */
  displayName(name: string): string
}

export function quickBooksMapping(config: QuickBooksMappingConfig): QuickBooksMapping {
  const taxCodes = config.taxCodes ?? { taxed: 'TAX', untaxed: 'NON' }
  const lookup = (prefix: string, code: QuickBooksMappingErrorCode, what: string) => (tallyCode: string) => {
    const id = config.accountMap[`${prefix}${tallyCode}`]
    if (id === undefined)
      throw new QuickBooksMappingError(code, `Tally account ${tallyCode} has no QuickBooks ${what} in this connection's account map (${prefix}${tallyCode})`)
    return id
  }
  return {
    ...mappingBasics({ vendor: 'QuickBooks', amountPlaces: AMOUNT_PLACES, error: QuickBooksMappingError }),
    account: lookup('', 'unmapped_account', 'account'),
    item: lookup(ITEM_PREFIX, 'unmapped_item', 'item'),
    taxCode: (taxAmount) => (new Dec(taxAmount).isZero() ? taxCodes.untaxed : taxCodes.taxed),
    fitsUnitPlaces: (value) => new Dec(value).decimalPlaces() <= UNIT_PLACES,
    docNumber(number) {
      if (number.length > DOC_NUMBER_MAX)
        throw new QuickBooksMappingError('field_invalid', `document number ${number} is longer than QuickBooks' DocNumber (${DOC_NUMBER_MAX})`)
      return number
    },
    displayName(name) {
      if (/[:\t\n]/.test(name))
        throw new QuickBooksMappingError('field_invalid', `QuickBooks names cannot contain a colon, tab or new line: ${JSON.stringify(name)}`)
      return name
    },
  }
}
