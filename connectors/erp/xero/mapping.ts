// Tally → Xero ids and values: account codes through the connection's account map, contacts and
// invoices through the ERP ids the drain recorded (refs), tax types, currencies, and amounts at
// the precision Xero books. Anything that cannot be mapped is refused here with a typed error
// naming what is missing, so nothing is sent that Xero would have to reject.
import { Dec } from '../../../platform/decimal.ts'
import { ErpMappingError } from '../erpMappingError.ts'
import { mappingBasics, type MappingBasics } from '../mappingBasics.ts'

export interface XeroMappingConfig {
  /** Tally account code → Xero account code. Every code a document posts to must be listed. */
  accountMap: Record<string, string>
  /** The organisation's base currency: Xero manual journals carry no currency and post in it. */
  baseCurrency: string
  /** Xero tax types for sales lines with tax and without; default OUTPUT and NONE. */
  taxTypes?: { taxed: string; untaxed: string }
}

export type XeroMappingErrorCode =
  'unmapped_account' | 'missing_reference' | 'unsupported_amount' | 'journal_currency' | 'total_mismatch' | 'field_too_long' | 'negative_total'

/** A document Xero cannot take as it stands: the outcome is `failed` with this code. */
export class XeroMappingError extends ErpMappingError {
  declare readonly code: XeroMappingErrorCode
}

// NOTE: Xero books amounts (line, tax, payment, journal, allocation) at 2 decimal places and
// quantities and unit amounts at 4 (with ?unitdp=4). A value with more places would be rounded
// by Xero, so the books would disagree with Tally's: refused instead of rounded here.
export const AMOUNT_PLACES = 2
export const UNIT_PLACES = 4
/** Xero's ContactNumber and the Idempotency-Key header have these maximum lengths. */
const CONTACT_NUMBER_MAX = 50
export const IDEMPOTENCY_KEY_MAX = 128

export interface XeroMapping extends MappingBasics {
  account(tallyCode: string): string
  taxType(taxAmount: string): string
  currency(code: string): string
  journalCurrency(code: string): void
  /** Whether a quantity or unit amount fits Xero's 4 places. */
  fitsUnitPlaces(value: string): boolean
  contactNumber(tallyId: string): string
}

export function xeroMapping(config: XeroMappingConfig): XeroMapping {
  const taxTypes = config.taxTypes ?? { taxed: 'OUTPUT', untaxed: 'NONE' }
  const baseCurrency = config.baseCurrency.toUpperCase()
  return {
    ...mappingBasics({ vendor: 'Xero', amountPlaces: AMOUNT_PLACES, error: XeroMappingError }),
    account(tallyCode) {
      const code = config.accountMap[tallyCode]
      if (code === undefined) throw new XeroMappingError('unmapped_account', `Tally account ${tallyCode} has no Xero account in this connection's account map`)
      return code
    },
    taxType: (taxAmount) => (new Dec(taxAmount).isZero() ? taxTypes.untaxed : taxTypes.taxed),
    currency: (code) => code.toUpperCase(),
    journalCurrency(code) {
      if (code.toUpperCase() !== baseCurrency)
        throw new XeroMappingError('journal_currency', `Xero manual journals post in the base currency ${baseCurrency}; this journal is in ${code}`)
    },
    fitsUnitPlaces: (value) => new Dec(value).decimalPlaces() <= UNIT_PLACES,
    contactNumber(tallyId) {
      if (tallyId.length > CONTACT_NUMBER_MAX)
        throw new XeroMappingError('field_too_long', `Tally customer id ${tallyId} is longer than Xero's ContactNumber (${CONTACT_NUMBER_MAX})`)
      return tallyId
    },
  }
}
