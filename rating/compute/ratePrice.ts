// Rates one price: definition + usage → lines and total. The order of operations is fixed
// and documented (docs/pricing.md "Order of operations for one price"):
//   1. quantity pipeline: free units, unit conversion, quantity rounding (quantityPipeline.ts);
//   2. the model turns the quantity into unrounded lines;
//   3. proration scales those amounts (flat fees by default, others when prorate = true);
//   4. every line is rounded to the currency's minor unit (half-up unless half_even); the lines
//      showing the parts of one charge add up to that charge rounded (lines.ts roundLines);
//   5. the line maximum caps, then the line minimum tops up, each as its own rounded line;
//   6. the total is the exact sum of the lines.
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'
import { isoCurrencies, type CurrencyTable } from '../../platform/currency.ts'
import { checkPriceCurrency, resolveCurrency } from './currency.ts'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain } from './decimal.ts'
import { priceFlatFee } from './flatFee.ts'
import { priceGraduatedPercentage } from './graduatedPercentage.ts'
import { emptyApplied, formatResult, roundLines, totalOf } from './lines.ts'
import type { AppliedTotals, Line, PriceResult } from './lines.ts'
import { priceMatrix } from './matrix.ts'
import type { ModelInput } from './modelInput.ts'
import { pricePackage } from './package.ts'
import { pricePercent } from './percent.ts'
import { pricePerUnit } from './perUnit.ts'
import { DIMENSIONAL_MODELS, priceDefinitionSchema } from './priceDefinition.ts'
import type { PriceDefinition } from './priceDefinition.ts'
import { prorationFactor, prorationSchema } from './proration.ts'
import type { Proration } from './proration.ts'
import { rateIncrement } from './incremental.ts'
import { convertQuantity, prepareQuantity } from './quantityPipeline.ts'
import type { RoundingMode } from './rounding.ts'
import { roundMoney } from './rounding.ts'
import { priceStep } from './step.ts'
import { priceTieredGraduated } from './tieredGraduated.ts'
import { priceTieredWithFlatFee } from './tieredWithFlatFee.ts'
import { priceTwoDimensionalTiered } from './twoDimensionalTiered.ts'
import { priceVolume } from './volume.ts'
import { priceVolumeWithFlatFee } from './volumeWithFlatFee.ts'
import { checkUsage, refineUsage, USAGE_PROBLEM_CODES, usageFields, usageKind, type Usage } from './usageInput.ts'
import { validationErrorFrom } from './zodDetails.ts'

/** The body of POST /v1/pricing/preview and the input of `ratePrice`. */
export const pricingRequestSchema = z
  .strictObject({
    price: priceDefinitionSchema,
    ...usageFields,
    proration: prorationSchema.optional(),
  })
  .superRefine(refineUsage)
export type PricingRequest = z.infer<typeof pricingRequestSchema>

export interface RatedPrice {
  currency: Currency
  mode: RoundingMode
  /** Rounded lines. */
  lines: Line[]
  applied: AppliedTotals
}

function missing(field: string, message: string): UnprocessableError {
  return new UnprocessableError(`${field}_required`, message, [{ field, code: `${field}_required`, message }])
}

function modelInput(price: PriceDefinition, usage: Usage): { input: ModelInput; freeApplied: Dec; usesTransactions: boolean } {
  checkUsage(price, usage)
  const dimensional = (DIMENSIONAL_MODELS as readonly string[]).includes(price.model)
  const usesTransactions = usageKind(price, usage) === 'transactions'
  if (dimensional && usage.quantities === undefined) throw missing('quantities', `${price.model} prices need \`quantities\` keyed by dimension values`)
  if (!dimensional && price.model !== 'flat_fee' && !usesTransactions && usage.quantity === undefined) {
    throw missing('quantity', `${price.model} prices need a \`quantity\`${price.model === 'percent' ? ' or `transactions`' : ''}`)
  }
  const prepared = prepareQuantity(price, new Dec(usage.quantity ?? '0'))
  const input: ModelInput = {
    quantity: prepared.quantity,
    freeAfterRounding: prepared.freeAfterRounding,
    quantities: (usage.quantities ?? []).map((q, index) => ({ dimensions: q.dimensions, quantity: convertQuantity(price, new Dec(q.quantity)), index })),
    transactions: (usage.transactions ?? []).map((t) => new Dec(t)),
  }
  return { input, freeApplied: prepared.freeApplied, usesTransactions }
}

function modelLines(price: PriceDefinition, input: ModelInput, usesTransactions: boolean): Line[] {
  switch (price.model) {
    case 'flat_fee':
      return priceFlatFee(price)
    case 'per_unit':
      return pricePerUnit(price, input)
    case 'package':
      return pricePackage(price, input)
    case 'percent':
      return pricePercent(price, input, usesTransactions)
    case 'graduated_percentage':
      return priceGraduatedPercentage(price, input)
    case 'step':
      return priceStep(price, input)
    case 'tiered':
      return priceTieredGraduated(price, input)
    case 'tiered_with_flat_fee':
      return priceTieredWithFlatFee(price, input)
    case 'two_dimensional_tiered':
      return priceTwoDimensionalTiered(price, input)
    case 'volume':
      return priceVolume(price, input)
    case 'volume_with_flat_fee':
      return priceVolumeWithFlatFee(price, input)
    case 'matrix':
      return priceMatrix(price, input)
  }
}

export interface RateOptions {
  /** Round lines to this many decimals instead of the currency's minor unit (rateInvoice's
   *  invoice_total rounding point and its unrounded commitment basis). */
  lineScale?: number
  /** Rounding mode for prices that do not name one (the invoice's). */
  defaultMode?: RoundingMode
  /** The organisation's currency table (default ISO 4217 alone) a plain currency code is resolved in. */
  currencies?: CurrencyTable
}

/** Rates one price into rounded lines; rateInvoice builds on this. */
export function ratePriceLines(price: PriceDefinition, usage: Usage, proration?: Proration, options: RateOptions = {}): RatedPrice {
  if (usage.billed_quantity !== undefined) {
    checkUsage(price, usage)
    const billed = usage.billed_quantity
    return rateIncrement({ ...usage, billed_quantity: billed }, (u) => ratePriceLines(price, u, proration, options), price.description ?? 'Usage')
  }
  const real = resolveCurrency(price.currency, options.currencies)
  const currency = options.lineScale === undefined ? real : { ...real, minorUnits: options.lineScale }
  const mode = price.rounding_mode ?? options.defaultMode ?? 'half_up'
  const { input, freeApplied, usesTransactions } = modelInput(price, usage)
  let lines = modelLines(price, input, usesTransactions)
  if (lines.length === 0) lines = [{ kind: 'usage', description: `${price.description ?? 'Usage'}: no usage`, quantity: new Dec(0), amount: new Dec(0) }]
  const share = proration ? prorationFactor(proration) : null
  const scale = (amount: Dec) => (share ? amount.times(share.activeDays).dividedBy(share.periodDays) : amount)
  if (share && (price.prorate ?? price.model === 'flat_fee')) {
    const note = ` (prorated ${formatPlain(share.activeDays)}/${formatPlain(share.periodDays)} days)`
    lines = lines.map((l) => ({ ...l, description: l.description + note, amount: scale(l.amount) }))
  }
  lines = roundLines(lines, currency, mode)
  const applied = emptyApplied()
  applied.free_units = freeApplied
  const subtotal = totalOf(lines)
  const label = price.description ?? 'Line'
  if (price.maximum_amount !== undefined) {
    const max = roundMoney(scale(new Dec(price.maximum_amount)), currency, mode)
    if (subtotal.greaterThan(max)) {
      lines.push({ kind: 'line_maximum', description: `${label} maximum ${formatPlain(max)}`, quantity: new Dec(1), amount: max.minus(subtotal) })
    }
  }
  if (price.minimum_amount !== undefined) {
    const min = roundMoney(scale(new Dec(price.minimum_amount)), currency, mode)
    if (subtotal.lessThan(min)) {
      const topUp = min.minus(subtotal)
      lines.push({ kind: 'line_minimum', description: `${label} minimum ${formatPlain(min)}`, quantity: new Dec(1), amount: topUp })
      applied.minimum = topUp
    }
  }
  return { currency: real, mode, lines, applied }
}

/** Rates a validated pricing request into the boundary result (all decimals as strings). */
export function ratePrice(request: PricingRequest, currencies: CurrencyTable = isoCurrencies): PriceResult {
  checkPriceCurrency(request.price.currency, currencies, 'price.currency')
  const rated = ratePriceLines(request.price, request, request.proration, { currencies })
  return formatResult(rated.lines, rated.currency, rated.applied)
}

/** A request pricingRequestSchema refuses: 422 `invalid_price_definition` when the price is wrong, else `invalid_pricing_input`. */
export function pricingRequestError(error: z.ZodError): UnprocessableError {
  const usageProblem = (i: z.core.$ZodIssue) => i.code === 'custom' && USAGE_PROBLEM_CODES.has(String((i.params as { code?: unknown } | undefined)?.code))
  const priceProblem = error.issues.some((i) => i.path[0] === 'price' && !usageProblem(i))
  return validationErrorFrom(error, priceProblem ? 'invalid_price_definition' : 'invalid_pricing_input', priceProblem ? 'price definition' : 'pricing input')
}

/** Parses an untrusted request (CLI files) and rates it. */
export function previewPrice(body: unknown, currencies: CurrencyTable = isoCurrencies): PriceResult {
  const parsed = pricingRequestSchema.safeParse(body)
  if (!parsed.success) throw pricingRequestError(parsed.error)
  return ratePrice(parsed.data, currencies)
}
