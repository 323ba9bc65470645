// Tally → NetSuite ids and values: accounts through the connection's account map (Tally code →
// NetSuite account internal id), sales lines through an item per Tally account (`item.<code>` in
// the same map: NetSuite books an item line to the item's income account), currencies and the subsidiary by internal id,
// earlier documents through the ERP ids the drain recorded (refs), and every record's external
// id. Anything that cannot be mapped is refused here with a typed error naming what is missing,
// so nothing is sent that NetSuite would have to reject.
import { ITEM_PREFIX } from '../../../ledger/erpStore.ts'
import { Dec } from '../../../platform/decimal.ts'
import type { ErpDocumentKind, ErpRefs } from '../erpAdapter.ts'
import { JsonDecimal } from '../decimalJson.ts'
import { ErpMappingError } from '../erpMappingError.ts'

export interface NetSuiteMappingConfig {
  /**
   * Tally account code → NetSuite account internal id (journal lines, the payment's deposit account), and
   * `item.<Tally account code>` → the internal id of the item (whose income account is the mapped one) for sales lines posting to it.
   */
  accountMap: Record<string, string>
  /** ISO code → NetSuite currency internal id. */
  currencies: Record<string, string>
  /** The subsidiary internal id every record is booked in (required in OneWorld accounts). */
  subsidiaryId: string
}

export type NetSuiteMappingErrorCode =
  | 'unmapped_account'
  | 'unmapped_item'
  | 'unmapped_currency'
  | 'missing_reference'
  | 'unsupported_amount'
  | 'invalid_external_id'
  | 'total_mismatch'
  | 'negative_total'

/** A document NetSuite cannot take as it stands: the outcome is `failed` with its code. */
export class NetSuiteMappingError extends ErpMappingError {
  declare readonly code: NetSuiteMappingErrorCode
}

// NOTE: NetSuite keeps currency amounts at 2 decimal places (its currency precision for USD,
// EUR…); a longer amount would be rounded there, so the books would differ from Tally's:
// refused instead. Rates (unit prices) and quantities keep more places in NetSuite.
export const AMOUNT_PLACES = 2

/** NetSuite's external id charset: letters, digits, underscore and hyphen ("Using External IDs"). */
export const EXTERNAL_ID = /^[A-Za-z0-9_-]+$/

/** The external id part of each document kind: the same in the API sync and in the CSV import files, so both name one record. */
const EXTERNAL_ID_KIND: Record<ErpDocumentKind, string> = {
  customer: 'customer',
  invoice: 'invoice',
  invoice_void: 'void',
  payment: 'payment',
  credit_note: 'creditmemo',
  journal: 'journal',
}

/** The stable external id of a Tally document in NetSuite: `tally-<kind>-<tally id>`. */
export function netsuiteExternalId(kind: ErpDocumentKind, tallyId: string): string {
  const id = `tally-${EXTERNAL_ID_KIND[kind]}-${tallyId}`
  if (!EXTERNAL_ID.test(id))
    throw new NetSuiteMappingError('invalid_external_id', `${id} is not a NetSuite external id (letters, digits, underscore and hyphen only)`)
  return id
}

/** `{ id }`: how NetSuite's REST record API references another record by internal id. */
export interface RecordRef {
  id: string
}

export interface NetSuiteMapping {
  subsidiary(): RecordRef
  account(tallyCode: string): RecordRef
  item(tallyCode: string): RecordRef
  currency(code: string): RecordRef
  /** An amount at NetSuite's 2 places, as a JSON number token. */
  amount(value: string, field: string): JsonDecimal
  /** The NetSuite internal id of a document sent before this one (customer, invoice). */
  ref(refs: ErpRefs, kind: ErpDocumentKind, tallyId: string): RecordRef
}

export function netsuiteMapping(config: NetSuiteMappingConfig): NetSuiteMapping {
  const lookup = (map: Record<string, string>, key: string, code: NetSuiteMappingErrorCode, what: string): RecordRef => {
    const id = map[key]
    if (id === undefined) throw new NetSuiteMappingError(code, `${what} ${key} has no NetSuite ${code.slice('unmapped_'.length)} in this connection`)
    return { id }
  }
  return {
    subsidiary: () => ({ id: config.subsidiaryId }),
    account: (tallyCode) => lookup(config.accountMap, tallyCode, 'unmapped_account', 'Tally account'),
    item(tallyCode) {
      const id = config.accountMap[`${ITEM_PREFIX}${tallyCode}`]
      if (id === undefined)
        throw new NetSuiteMappingError(
          'unmapped_item',
          `Tally account ${tallyCode} has no NetSuite item in this connection's account map (${ITEM_PREFIX}${tallyCode})`,
        )
      return { id }
    },
    currency: (code) => lookup(config.currencies, code.toUpperCase(), 'unmapped_currency', 'currency'),
    amount(value, field) {
      if (new Dec(value).decimalPlaces() > AMOUNT_PLACES)
        throw new NetSuiteMappingError('unsupported_amount', `${field} ${value} has more than ${AMOUNT_PLACES} decimal places, which NetSuite would round`)
      return new JsonDecimal(value)
    },
    ref(refs, kind, tallyId) {
      const id = refs.erpIdOf(kind, tallyId)
      if (id === undefined) throw new NetSuiteMappingError('missing_reference', `${kind} ${tallyId} has not been sent to NetSuite yet`)
      return { id }
    },
  }
}

/** Parses a settings list such as `USD:1,EUR:4` (key:internal id, comma-separated). */
export function parseIdList(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const [key, id] = pair.split(':').map((s) => s.trim())
    if (key && id) out[key] = id
  }
  return out
}
