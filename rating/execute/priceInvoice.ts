// Pure: planned items + their quantities + the contract's terms → the invoice's lines, total
// and the record needed to re-derive it. All pricing is rating/compute's:
//   1. each item is rated by ratePriceLines with its own proration (an advance fee and an
//      arrears usage line on one invoice cover different periods, which one invoice-wide
//      proration could not express);
//   2. rateInvoice then applies the contract's terms (discounts, commitment, maximum spend,
//      credits) to the rated items, passed in as flat fees of their exact rated amounts;
//   3. adjustments for usage that arrived after the previous invoice was finalized are added
//      last, as they are: they belong to the earlier period, whose terms were already applied.
// A commitment and a maximum spend measure the arrears period only: its lines here plus what the
// invoice before billed for it in advance (`billedBefore`), never the next period's fees. Adjustments of this
// billing date that later final invoices billed (`billedElsewhere`: late usage before a void
// and reissue) are taken off before credits, so that usage is billed once (billedForPeriod.ts).
// The total is the exact sum of the lines; the function checks it before returning.
import { createHash } from 'node:crypto'
import type { Charge, Contract, NewInvoiceLine } from '../../ledger/ratingStore.ts'
import type { CurrencyTable } from '../../ledger/ratingStore.ts'
import { inlineCurrency, resolveCurrency, withInlineCurrency } from '../compute/currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { sum } from '../compute/decimal.ts'
import { formatResult, type PriceLine } from '../compute/lines.ts'
import { discountSchema, discountsFor } from '../compute/discounts.ts'
import { invoicePools, poolDrawn } from '../compute/freeUnitPool.ts'
import { perTransaction } from '../compute/percent.ts'
import { DIMENSIONAL_MODELS, parsePriceDefinition } from '../compute/priceDefinition.ts'
import { parseInvoiceInput, rateInvoice } from '../compute/rateInvoice.ts'
import { ratePriceLines } from '../compute/ratePrice.ts'
import { formatMoney } from '../compute/rounding.ts'
import type { ScheduledInvoice } from './billingSchedule.ts'
import { canonicalJson, prorationOf, type PlannedItem } from './invoicePlan.ts'
import type { CustomerUsage } from './quantitySource.ts'
import { builtRecord, type RatingRecord, type RecordedAdjustment, type RecordedItem, type RecordedProration } from './ratingRecord.ts'
import { chargeLine, prorationLine, recordedCharge, type LineFields } from './outsideTerms.ts'
import type { BilledProration } from './midPeriodProration.ts'
import type { BilledAdjustment } from './billedForPeriod.ts'
import type { TermUsage } from './termUsage.ts'
import type { PoolUsage } from './freeUnitPools.ts'
import type { ThresholdBilled } from './thresholdInvoice.ts'
import { nettedLines, onTopOf, remeasured } from './thresholdNetting.ts'

export interface PricedInvoice {
  total: string
  lines: NewInvoiceLine[]
  record: RatingRecord
  creditDraws: { id: string; drawn: string }[]
  contentHash: string
}

export interface PriceInvoiceInput {
  contract: Contract
  scheduled: ScheduledInvoice
  items: PlannedItem[]
  /** Usage of a metered item (undefined: no usage). */
  usageOf: (item: PlannedItem) => CustomerUsage | undefined
  /** Credit grants with their balance left before this invoice. */
  credits: Record<string, unknown>[]
  /** The previous invoice, when finalized, and fresh usage for its arrears items. */
  previous: { invoiceId: string; billingDate: string; record: RatingRecord; usageOf: (item: RecordedItem) => CustomerUsage | undefined } | null
  /** What earlier invoices billed in advance for the arrears period (billedForPeriod.ts `advanceBilled`), exact; read when a commitment or a maximum spend measures it. */
  billedBefore: string
  /** Adjustments of this billing date that later final invoices billed (billedForPeriod.ts `adjustmentsBilled`). */
  billedElsewhere: BilledAdjustment[]
  /** What the contract's other live invoices used of its term commitment and coupons (termUsage.ts); absent: none. */
  termUsage?: TermUsage
  /** What each pooled price's earlier periods drew from its pool (freeUnitPools.ts); absent: nothing. */
  pools?: PoolUsage
  /** The contract's organisation's currency table: the minor units of its currency and of its prices' declared codes. */
  currencies: CurrencyTable
  /** Prorations later final invoices billed against a void invoice of this billing date (midPeriodProration.ts `prorationsBilled`). */
  prorationsElsewhere?: readonly BilledProration[]
  /** Credits and charges for a change inside the arrears period, which a final invoice billed in advance (midPeriodProration.ts). */
  prorations?: readonly RecordedProration[]
  /** One-off charges this invoice bills (oneOffCharges.ts). */
  charges?: readonly Charge[]
  /** What the period's threshold invoices billed of each item (thresholdInvoice.ts): rated on top of it; absent: nothing. */
  thresholdBilled?: ThresholdBilled
}

/**
 * The usage fields ratePrice needs for this price model. A percent price rated per transaction
 * (a fixed fee or a clamp) takes each row of its metric as one transaction, its quantity the
 * amount; sorted, so the record and content hash do not depend on the order rows arrive in.
 */
export function usageFields(price: Record<string, unknown>, item: { quantity: string | null }, usage: CustomerUsage | undefined): RecordedItem['usage'] {
  if (item.quantity !== null) return { quantity: item.quantity }
  if ((DIMENSIONAL_MODELS as readonly string[]).includes(String(price.model))) return { quantities: usage?.rows ?? [] }
  if (price.model === 'percent' && perTransaction(price)) {
    return { transactions: (usage?.rows ?? []).map((r) => r.quantity).sort((a, b) => new Dec(a).comparedTo(b)) }
  }
  return { quantity: usage?.quantity ?? '0' }
}

/** A recorded usage as people read it: the quantity, `by dimension`, or `N transactions totalling X`. */
export function usageText(usage: RecordedItem['usage']): string {
  if (usage.quantity !== undefined) return usage.quantity
  if (usage.transactions !== undefined) return `${usage.transactions.length} transactions totalling ${sum(usage.transactions.map((t) => new Dec(t))).toFixed()}`
  return 'by dimension'
}

/**
 * An item whose rated amount is negative stands outside the invoice's terms, like a proration
 * credit: only an item rated on top of what threshold invoices billed can be (a volume price whose
 * whole quantity moved to a cheaper tier since), and a discount or a commitment never applies to a credit.
 */
export function creditedItem(item: { amount: string }): boolean {
  return new Dec(item.amount).isNegative()
}

/** What a record bills: the invoice's amount, its late-usage adjustments, prorations, one-off charges and credited items (explain re-derives the same sum). */
export function recordedTotal(record: {
  invoice_amount: string
  adjustments: readonly { delta: string }[]
  prorations?: readonly { amount: string }[] | undefined
  charges?: readonly { amount: string }[] | undefined
  items?: readonly { amount: string }[] | undefined
}): Dec {
  const credited = (record.items ?? []).filter(creditedItem)
  const added = [...(record.prorations ?? []), ...(record.charges ?? []), ...credited].map((p) => new Dec(p.amount))
  return new Dec(record.invoice_amount).plus(sum(record.adjustments.map((a) => new Dec(a.delta)))).plus(sum(added))
}

/** Rates one recorded item again (explain, adjustments): the same call the rating made. */
export function rateItem(
  item: Pick<RecordedItem, 'price' | 'usage' | 'proration' | 'billed_before'>,
  mode: 'half_up' | 'half_even',
): { amount: string; lines: PriceLine[]; poolDrawn: Dec } {
  const price = parsePriceDefinition(item.price)
  const rated = ratePriceLines(price, item.usage, item.proration ?? undefined, { defaultMode: mode })
  const result = formatResult(rated.lines, rated.currency, rated.applied)
  // Rated on top of threshold invoices: the netting names them (thresholdNetting.ts).
  const netted = item.billed_before && item.usage.billed_quantity !== undefined ? nettedLines(result, item.billed_before) : result
  return { amount: netted.amount, lines: netted.lines, poolDrawn: price.free_units_pool ? poolDrawn(price, rated.applied.free_units) : new Dec(0) }
}

function line(position: number, fields: LineFields): NewInvoiceLine {
  return {
    position,
    itemId: null,
    productId: null,
    productName: null,
    metricName: null,
    metricVersion: null,
    price: null,
    priceVersion: null,
    unitPrice: null,
    tier: null,
    periodStart: null,
    periodEnd: null,
    ...fields,
  }
}

/** A late-usage adjustment billed elsewhere, taken off: an adjustment line of the item it adjusted. */
function nettedLine(position: number, l: PriceLine, recorded: readonly RecordedItem[]): NewInvoiceLine {
  const item = recorded.find((r) => l.line_id?.endsWith(`:${r.id}`))
  return line(position, {
    itemId: item?.id ?? null,
    timing: 'adjustment',
    kind: 'adjustment',
    description: l.description,
    productId: item?.product_id ?? null,
    productName: item?.product_name ?? null,
    metricName: item?.metric?.name ?? null,
    metricVersion: item?.metric?.version ?? null,
    quantity: l.quantity,
    amount: l.amount,
    periodStart: item?.segment.start ?? null,
    periodEnd: item?.segment.end ?? null,
  })
}

/** Built once: `discountSchema.array()` per invoice rebuilt the schema every call (issue 20). */
const discountsSchema = discountSchema.array()

export function priceInvoice(input: PriceInvoiceInput): PricedInvoice {
  const { contract, scheduled } = input
  // A declared custom code is written inline ({ code, precision }) in everything recorded, so
  // the invoice re-derives without the table (explain, late usage); declarations never change.
  const currencyInput = inlineCurrency(contract.currency, input.currencies)
  const currency = resolveCurrency(currencyInput)
  const mode = contract.terms.rounding_mode ?? 'half_up'
  const lines: NewInvoiceLine[] = []
  const recorded: RecordedItem[] = []
  const pools = invoicePools(input.pools)
  for (const planned of input.items) {
    const item = pools.priced({ ...planned, price: withInlineCurrency(planned.price, input.currencies) })
    const found = item.metric ? input.usageOf(item) : undefined
    const earlier = input.thresholdBilled?.get(item.id)
    const usage = onTopOf(usageFields(item.price, item, found), earlier?.quantity)
    const billedBefore = earlier && usage.billed_quantity !== undefined ? earlier.invoices : undefined
    const proration = prorationOf(item) ?? null
    const rated = rateItem({ price: item.price, usage, proration, ...(billedBefore ? { billed_before: billedBefore } : {}) }, mode)
    pools.drew(item, rated.poolDrawn)
    recorded.push({
      id: item.id,
      timing: item.timing,
      product_id: item.productId,
      product_name: item.productName,
      price: item.price,
      price_version: item.priceVersion,
      period: item.period,
      segment: item.segment,
      metric: item.metric
        ? { name: item.metric.name, version: item.metric.version, start: item.metric.start.toISOString(), end: item.metric.end.toISOString() }
        : null,
      usage,
      proration,
      amount: rated.amount,
      ...(billedBefore ? { billed_before: billedBefore } : {}),
      ...(found?.source === undefined ? {} : { source: found.source }),
    })
    for (const l of rated.lines) {
      lines.push(
        line(lines.length, {
          itemId: item.id,
          timing: item.timing,
          kind: l.kind,
          description: `${item.productName}: ${l.description}`,
          productId: item.productId,
          productName: item.productName,
          metricName: item.metric?.name ?? null,
          metricVersion: item.metric?.version ?? null,
          price: item.price,
          priceVersion: item.priceVersion,
          quantity: l.quantity,
          unitPrice: l.unit_price ?? null,
          tier: l.tier ?? null,
          amount: l.amount,
          periodStart: item.segment.start,
          periodEnd: item.segment.end,
        }),
      )
    }
  }

  let invoice: Record<string, unknown> | null = null
  let invoiceAmount = new Dec(0)
  let creditDraws: { id: string; drawn: string }[] = []
  const terms = contract.terms
  const periodTerms = scheduled.arrears !== null && (terms.commitment !== undefined || terms.maximum_spend !== undefined)
  const spanning = input.termUsage ?? {}
  const inTerms = recorded.filter((r) => !creditedItem(r))
  // A commitment trues up its period (a term commitment its window) even on an invoice with nothing else to bill (the last one).
  if (recorded.length > 0 || (scheduled.arrears && terms.commitment) || spanning.term_commitment?.true_up) {
    const netted = input.billedElsewhere.map((b) => ({
      id: `${b.invoiceId}:${b.adjustment.item_id}`,
      description: `${b.adjustment.product_name}: late usage already billed on invoice ${b.invoiceNumber ?? b.invoiceId} (${usageText(b.adjustment.previous_usage)} → ${usageText(b.adjustment.usage)})`,
      amount: b.adjustment.delta,
    }))
    for (const [i, b] of (input.prorationsElsewhere ?? []).entries()) {
      netted.push({
        id: `${b.invoiceId}:proration:${i}`,
        description: `${b.proration.product_name}: proration ${b.proration.proration.active_start} to ${b.proration.proration.active_end} already billed on invoice ${b.invoiceNumber ?? b.invoiceId}`,
        amount: b.proration.amount,
      })
    }
    const arrearsProration =
      scheduled.arrears && (scheduled.arrears.active.start !== scheduled.arrears.period.start || scheduled.arrears.active.end !== scheduled.arrears.period.end)
        ? {
            period_start: scheduled.arrears.period.start,
            period_end: scheduled.arrears.period.end,
            active_start: scheduled.arrears.active.start,
            active_end: scheduled.arrears.active.end,
          }
        : undefined
    invoice = {
      currency: currencyInput,
      rounding_mode: mode,
      as_of: scheduled.billingDate,
      period_index: scheduled.index,
      ...(arrearsProration ? { proration: arrearsProration } : {}),
      lines: inTerms.map((r) => ({
        id: r.id,
        product: r.product_name,
        price: { model: 'flat_fee', currency: currencyInput, amount: r.amount, prorate: false, description: r.product_name },
      })),
      // A commitment and a maximum are per period of usage: only invoices that bill one apply them.
      // Each measures the arrears period: its lines here and what the invoice before billed for it.
      ...(scheduled.arrears && terms.commitment ? { commitment: terms.commitment } : {}),
      ...(scheduled.arrears && terms.maximum_spend !== undefined ? { maximum_spend: terms.maximum_spend } : {}),
      ...(periodTerms
        ? { service_period: { lines: inTerms.filter((r) => r.timing === 'in_arrears').map((r) => r.id), billed_before: input.billedBefore } }
        : {}),
      // A product discount may name the product by id: the lines carry its name.
      discounts: discountsFor(
        discountsSchema.parse(terms.discounts ?? []),
        recorded.map((r) => ({ id: r.product_id, name: r.product_name })),
      ),
      // Only when there is some: the records (and content hashes) of every other invoice stay as they were.
      ...(netted.length > 0 ? { billed_elsewhere: netted } : {}),
      ...(spanning.discount_usage ? { discount_usage: spanning.discount_usage } : {}),
      ...(spanning.term_commitment ? { term_commitment: spanning.term_commitment } : {}),
      credits: input.credits,
    }
    const result = rateInvoice(parseInvoiceInput(invoice))
    const termLines = result.lines.slice(inTerms.length)
    for (const l of termLines) {
      if (l.kind === 'billed_elsewhere') {
        lines.push(nettedLine(lines.length, l, recorded))
        continue
      }
      lines.push(
        line(lines.length, {
          timing: 'invoice',
          kind: l.kind,
          description: l.description,
          productName: l.product ?? null,
          quantity: l.quantity,
          unitPrice: l.unit_price ?? null,
          amount: l.amount,
        }),
      )
    }
    invoiceAmount = new Dec(result.amount)
    creditDraws = result.credits.filter((c) => new Dec(c.drawn).greaterThan(0)).map((c) => ({ id: c.id, drawn: c.drawn }))
    const check = sum(inTerms.map((r) => new Dec(r.amount))).plus(sum(termLines.map((l) => new Dec(l.amount))))
    if (!check.equals(invoiceAmount)) throw new Error(`invoice lines sum to ${check.toFixed()} but rateInvoice says ${result.amount}`)
  }

  const adjustments: RecordedAdjustment[] = []
  if (input.previous) {
    for (const item of input.previous.record.items) {
      if (item.metric === null || item.timing !== 'in_arrears') continue
      const usage = remeasured(usageFields(item.price, { quantity: null }, input.previous.usageOf(item)), item.usage)
      if (canonicalJson(usage) === canonicalJson(item.usage)) continue
      const again = rateItem({ ...item, usage }, input.previous.record.rounding_mode)
      const delta = new Dec(again.amount).minus(item.amount)
      if (delta.isZero()) continue
      adjustments.push({
        of_invoice: input.previous.invoiceId,
        of_billing_date: input.previous.billingDate,
        item_id: item.id,
        product_name: item.product_name,
        previous_usage: item.usage,
        usage,
        previous_amount: item.amount,
        amount: again.amount,
        delta: formatMoney(delta, currency),
      })
      const before = usageText(item.usage)
      const after = usageText(usage)
      lines.push(
        line(lines.length, {
          itemId: item.id,
          timing: 'adjustment',
          kind: 'adjustment',
          description: `${item.product_name}: usage ${item.segment.start} to ${item.segment.end} reported after invoice ${input.previous.billingDate} was finalized (${before} → ${after})`,
          productId: item.product_id,
          productName: item.product_name,
          metricName: item.metric.name,
          metricVersion: item.metric.version,
          price: item.price,
          priceVersion: item.price_version,
          quantity: usage.quantity !== undefined && item.usage.quantity !== undefined ? new Dec(usage.quantity).minus(item.usage.quantity).toFixed() : '1',
          amount: formatMoney(delta, currency),
          periodStart: item.segment.start,
          periodEnd: item.segment.end,
        }),
      )
    }
  }

  // Outside the terms, last: prorations of a period billed before, and one-off charges (outsideTerms.ts).
  const prorations = input.prorations ?? []
  const charges = (input.charges ?? []).map(recordedCharge)
  for (const fields of [...prorations.map(prorationLine), ...charges.map(chargeLine)]) lines.push(line(lines.length, fields))
  const total = formatMoney(recordedTotal({ invoice_amount: invoiceAmount.toFixed(), adjustments, prorations, charges, items: recorded }), currency)
  const record: RatingRecord = {
    version: 1,
    billing_date: scheduled.billingDate,
    period_index: scheduled.index,
    currency: contract.currency,
    rounding_mode: mode,
    items: recorded,
    invoice,
    invoice_amount: formatMoney(invoiceAmount, currency),
    adjustments,
    ...(prorations.length > 0 ? { prorations: [...prorations] } : {}),
    ...(charges.length > 0 ? { charges } : {}),
  }
  // A remote metric's run record (its executed_at) is not content: re-rating unchanged usage leaves the draft alone.
  const hashed = { ...record, items: record.items.map((i) => ({ ...i, source: undefined })) }
  const contentHash = createHash('sha256')
    .update(canonicalJson({ total, lines, record: hashed, creditDraws }))
    .digest('hex')
  return { total, lines, record: builtRecord(record), creditDraws, contentHash }
}
