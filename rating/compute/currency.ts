// The currency of a price: a code of the organisation's currency table (`platform/currency.ts`:
// ISO 4217 plus the custom currencies it declared, e.g. "CREDITS" with 4 decimals), or an
// inline custom unit `{ code, precision }` that declares its precision where it is used.
//
// The schema checks shape only (and that an inline unit does not shadow an ISO code with
// another precision): whether a plain code names a currency depends on the organisation, so it
// is decided with its table where a price is stored (the ledger's RatingDocuments), rated or
// previewed. Without a table, the table is ISO 4217 alone.
import { z } from 'zod'
import { CUSTOM_CURRENCY_CODE, isoCurrencies, isoMinorUnits, MAX_CURRENCY_PRECISION, type CurrencyTable } from '../../platform/currency.ts'
import { UnprocessableError } from '../../platform/errors.ts'

/** `"USD"`, a declared `"CREDITS"`, or `{ code: "CREDITS", precision: 4 }` for an inline custom unit. */
export const currencySchema = z
  .union([
    z.string().regex(CUSTOM_CURRENCY_CODE, { message: 'must be an ISO 4217 code such as "USD" or a declared custom currency such as "CREDITS"' }),
    z.strictObject({
      code: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, { message: 'must be letters, digits or _' }),
      precision: z.number().int().min(0).max(MAX_CURRENCY_PRECISION),
    }),
  ])
  .superRefine((input, ctx) => {
    if (typeof input === 'string') return
    const problem = currencyProblem(input)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_currency' } })
  })
export type CurrencyInput = string | { code: string; precision: number }

export interface Currency {
  code: string
  /** Digits after the decimal point of the smallest billable amount (USD 2, JPY 0, KWD 3). */
  minorUnits: number
}

/**
 * The issue, if any, with a currency input against an organisation's table (ISO 4217 alone by
 * default). An inline unit must not shadow an ISO code, nor a declared currency, with another
 * precision: two precisions for one code would round one contract's invoices two ways.
 */
export function currencyProblem(input: CurrencyInput, currencies: CurrencyTable = isoCurrencies): string | null {
  if (typeof input === 'string') {
    return currencies.minorUnits(input) !== undefined
      ? null
      : `unknown currency "${input}": neither an ISO 4217 code nor a custom currency declared with POST /v1/currencies; declare it, or give { code, precision }`
  }
  const iso = isoMinorUnits(input.code.toUpperCase())
  // NOTE: a custom "usd" with precision 0 would invoice dollars as if they were yen.
  if (iso !== undefined && iso !== input.precision) {
    return `custom currency "${input.code}" collides with ISO 4217 ${input.code.toUpperCase()} (${iso} minor units)`
  }
  const declared = iso === undefined ? currencies.minorUnits(input.code) : undefined
  if (declared !== undefined && declared !== input.precision) {
    return `currency ${input.code} is declared with ${declared} minor units; this price says ${input.precision} (give "currency": "${input.code}" to use the declaration)`
  }
  return null
}

/** Resolves a currency input to its code and minor units; an unknown one is 422 `invalid_currency`. */
export function resolveCurrency(input: CurrencyInput, currencies: CurrencyTable = isoCurrencies): Currency {
  const problem = currencyProblem(input, currencies)
  if (problem) throw new UnprocessableError('invalid_currency', problem, [{ field: 'currency', code: 'invalid_currency', message: problem }])
  if (typeof input === 'string') return { code: input, minorUnits: currencies.minorUnits(input)! }
  return { code: input.code, minorUnits: input.precision }
}

/**
 * The input with a declared custom code written inline (`"CREDITS"` → `{ code: "CREDITS",
 * precision: 4 }`); ISO codes and inline units are returned as they are. What rating records
 * on an invoice is inlined, so the invoice re-derives (explain, late-usage adjustments) without
 * its organisation's table.
 */
export function inlineCurrency(input: CurrencyInput, currencies: CurrencyTable): CurrencyInput {
  if (typeof input !== 'string' || isoMinorUnits(input) !== undefined) return input
  const precision = currencies.minorUnits(input)
  return precision === undefined ? input : { code: input, precision }
}

/** A price definition (or anything with a `currency`) with its currency inlined (inlineCurrency). */
export function withInlineCurrency<T extends Record<string, unknown>>(price: T, currencies: CurrencyTable): T {
  const currency = price.currency
  if (typeof currency !== 'string') return price
  const inlined = inlineCurrency(currency, currencies)
  return inlined === currency ? price : { ...price, currency: inlined }
}

/**
 * 422 `invalid_price_definition` when a price's currency is not in the table, at `field` (the
 * price's own path + `.currency`), as the pricing engine answers any refused price.
 */
export function checkPriceCurrency(input: CurrencyInput, currencies: CurrencyTable, field: string): void {
  const problem = currencyProblem(input, currencies)
  if (problem)
    throw new UnprocessableError('invalid_price_definition', `invalid price definition: ${field}: ${problem}`, [
      { field, code: 'invalid_currency', message: problem },
    ])
}
