// The checks every adapter's mapping makes the same way, refusing with its own
// ErpMappingError subclass before any request: an amount with more decimal places than the ERP
// books (it would round, and its books would differ from Tally's), a reference to a
// document the ERP has not received yet (its id is not recorded), and an invoice whose total is
// below zero (`refuseNegativeInvoice`).
import { Dec } from '../../platform/decimal.ts'
import { JsonDecimal } from './decimalJson.ts'
import type { ErpDocumentKind, ErpRefs } from './erpAdapter.ts'
import type { ErpMappingError } from './erpMappingError.ts'

export interface MappingBasics {
  /** An amount at the ERP's places, as a JSON number token. */
  amount(value: string, field: string): JsonDecimal
  /** The ERP id of a document sent before this one. */
  ref(refs: ErpRefs, kind: ErpDocumentKind, tallyId: string): string
}

export function mappingBasics(rules: {
  /** Names the ERP in messages. */
  vendor: string
  /** Decimal places the ERP books amounts at. */
  amountPlaces: number
  error: new (code: 'unsupported_amount' | 'missing_reference', message: string) => ErpMappingError
}): MappingBasics {
  return {
    amount(value, field) {
      if (new Dec(value).decimalPlaces() > rules.amountPlaces)
        throw new rules.error('unsupported_amount', `${field} ${value} has more than ${rules.amountPlaces} decimal places, which ${rules.vendor} would round`)
      return new JsonDecimal(value)
    },
    ref(refs, kind, tallyId) {
      const id = refs.erpIdOf(kind, tallyId)
      if (id === undefined) throw new rules.error('missing_reference', `${kind} ${tallyId} has not been sent to ${rules.vendor} yet`)
      return id
    },
  }
}

/**
 * An invoice whose total is below zero (a volume price that ends a threshold-billed period in a
 * cheaper tier, a termination's proration credit, a late-usage adjustment that only gives back)
 * is a credit to the customer. Xero, QuickBooks and NetSuite take no invoice below zero, and
 * sending it as something else (an unapplied credit note) is a choice for the finance team, so
 * it is parked as `negative_total` before any request, naming the amount to record by hand.
 */
export function refuseNegativeInvoice(
  doc: { tallyId: string; total: string; currency: string },
  vendor: string,
  error: new (code: 'negative_total', message: string) => ErpMappingError,
): void {
  if (!new Dec(doc.total).isNegative()) return
  throw new error(
    'negative_total',
    `invoice ${doc.tallyId} totals ${doc.total} ${doc.currency}: ${vendor} takes no invoice below zero; Tally holds it as the customer's credit (accounts receivable credited), to record in ${vendor} by hand as a credit note not applied to an invoice`,
  )
}
