// The lines an invoice bills outside its terms, besides late-usage adjustments (priceInvoice.ts):
// the credits and charges of a change inside a period a final invoice billed in advance
// (midPeriodProration.ts) and one-off charges (oneOffCharges.ts). Both are `adjustment`-timed,
// as they are, in the rating record so explain re-derives them; their kind says which.
import type { Charge, NewInvoiceLine } from '../../ledger/ratingStore.ts'
import { priceVersionOf } from './invoicePlan.ts'
import type { RecordedCharge, RecordedProration } from './ratingRecord.ts'

export type LineFields = Partial<NewInvoiceLine> & Pick<NewInvoiceLine, 'timing' | 'kind' | 'description' | 'quantity' | 'amount'>

export function prorationLine(p: RecordedProration): LineFields {
  const what = p.direction === 'credit' ? `unused in-advance days billed on invoice ${p.of_number ?? p.of_invoice}` : 'the new price'
  return {
    timing: 'adjustment',
    kind: 'proration',
    description: `${p.product_name}: ${what}, ${p.proration.active_start} to ${p.proration.active_end}: ${p.description}`,
    productId: p.product_id,
    productName: p.product_name,
    price: p.price,
    priceVersion: priceVersionOf(p.price),
    quantity: p.quantity,
    amount: p.amount,
    periodStart: p.proration.active_start,
    periodEnd: p.proration.active_end,
  }
}

export function recordedCharge(c: Charge): RecordedCharge {
  return {
    id: c.id,
    description: c.description,
    product_id: c.productId,
    quantity: c.quantity,
    unit_amount: c.unitAmount,
    amount: c.amount,
    charge_date: c.chargeDate,
  }
}

export function chargeLine(c: RecordedCharge): LineFields {
  return {
    timing: 'adjustment',
    kind: 'one_off_charge',
    description: `${c.description} (charged ${c.charge_date})`,
    productId: c.product_id,
    quantity: c.quantity,
    unitPrice: c.unit_amount,
    amount: c.amount,
    periodStart: c.charge_date,
  }
}
