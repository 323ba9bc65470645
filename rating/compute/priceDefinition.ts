// The price definition: one zod schema per pricing model, discriminated by `model`.
// docs/pricing.md documents every field; this file only assembles the union and the
// checks that span fields.
import { z } from 'zod'
import { QUANTITY_PIPELINE_FIELDS } from './commonFields.ts'
import { flatFeeSchema } from './flatFee.ts'
import { graduatedPercentageSchema } from './graduatedPercentage.ts'
import { matrixSchema } from './matrix.ts'
import { packageSchema } from './package.ts'
import { perTransaction, percentSchema } from './percent.ts'
import { perUnitSchema } from './perUnit.ts'
import { stepSchema } from './step.ts'
import { tieredGraduatedSchema } from './tieredGraduated.ts'
import { tieredWithFlatFeeSchema } from './tieredWithFlatFee.ts'
import { twoDimensionalTieredSchema } from './twoDimensionalTiered.ts'
import { volumeSchema } from './volume.ts'
import { volumeWithFlatFeeSchema } from './volumeWithFlatFee.ts'
import { Dec } from '../../platform/decimal.ts'
import { isoCurrencies, type CurrencyTable } from '../../platform/currency.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { boundedMemo } from '../../platform/boundedMemo.ts'
import { deepFreeze, plainJsonKey } from '../../platform/plainJsonKey.ts'
import { checkPriceCurrency } from './currency.ts'
import { validationErrorFrom } from './zodDetails.ts'

/** Models priced from dimension-keyed quantities rather than one quantity. */
export const DIMENSIONAL_MODELS = ['matrix', 'two_dimensional_tiered'] as const

export const priceDefinitionSchema = z
  .discriminatedUnion('model', [
    flatFeeSchema,
    perUnitSchema,
    packageSchema,
    percentSchema,
    graduatedPercentageSchema,
    stepSchema,
    tieredGraduatedSchema,
    tieredWithFlatFeeSchema,
    twoDimensionalTieredSchema,
    volumeSchema,
    volumeWithFlatFeeSchema,
    matrixSchema,
  ])
  .superRefine((price, ctx) => {
    const issue = (path: string, message: string, code: string) => ctx.addIssue({ code: 'custom', path: [path], message, params: { code } })
    if (isDecimalText(price.minimum_amount) && isDecimalText(price.maximum_amount) && new Dec(price.minimum_amount).greaterThan(price.maximum_amount)) {
      issue('maximum_amount', 'must be at least minimum_amount', 'minimum_above_maximum')
    }
    if (price.free_units_stage === 'after_package_rounding' && price.model !== 'package') {
      issue('free_units_stage', 'after_package_rounding applies to package prices only', 'invalid_free_units_stage')
    }
    const dimensional = (DIMENSIONAL_MODELS as readonly string[]).includes(price.model)
    for (const field of ['free_units', 'free_units_pool'] as const) {
      if (price[field] !== undefined && (dimensional || price.model === 'flat_fee')) {
        issue(field, `free units need a single usage quantity; ${price.model} prices have none`, 'free_units_not_supported')
      }
    }
    // After package rounding the free units price whole packages, so no draw from the pool could be measured.
    if (price.free_units_pool !== undefined && price.free_units_stage === 'after_package_rounding') {
      issue('free_units_pool', 'a pool of free units is taken after_conversion or before_conversion', 'invalid_free_units_stage')
    }
    if (
      price.model === 'percent' &&
      isDecimalText(price.min_per_transaction) &&
      isDecimalText(price.max_per_transaction) &&
      new Dec(price.min_per_transaction).greaterThan(price.max_per_transaction)
    ) {
      issue('max_per_transaction', 'must be at least min_per_transaction', 'minimum_above_maximum')
    }
    // A per-transaction price is always rated on transactions (its runs read one row per
    // transaction), which never go through the quantity pipeline: refused, never ignored.
    if (price.model === 'percent' && perTransaction(price)) {
      for (const field of QUANTITY_PIPELINE_FIELDS) {
        if (price[field] !== undefined)
          issue(
            field,
            `${field} applies to a quantity; a price with a fixed fee, a per-transaction clamp or a free window is rated on transactions`,
            'not_used_per_transaction',
          )
      }
    }
  })

export type PriceDefinition = z.infer<typeof priceDefinitionSchema>
export type PricingModel = PriceDefinition['model']

/**
 * Parsed prices by content (plainJsonKey): a rating run prices every contract of a plan with the
 * same few definitions, so each is parsed once, not once per invoice (issue 20). The parse is
 * pure, a value it refused is never remembered (it throws again), and the shared answer is frozen.
 */
const parsedPrices = boundedMemo<PriceDefinition>(10_000)

/** Parses a price definition or throws `invalid_price_definition` with every field problem. */
export function parsePriceDefinition(value: unknown, currencies: CurrencyTable = isoCurrencies): PriceDefinition {
  const key = plainJsonKey(value)
  const price = key === undefined ? parseUncached(value) : parsedPrices(key, () => deepFreeze(parseUncached(value)))
  checkPriceCurrency(price.currency, currencies, 'currency')
  return price
}

function parseUncached(value: unknown): PriceDefinition {
  const parsed = priceDefinitionSchema.safeParse(value)
  if (!parsed.success) throw validationErrorFrom(parsed.error, 'invalid_price_definition', 'price definition')
  return parsed.data
}
