// Currencies and their minor units. Amounts are rounded to the currency's minor unit, so a
// wrong exponent here is the "invoice off by 100×" bug: JPY has no cents, KWD has fils
// (1/1000). Custom units such as "CREDITS" declare their own precision.
import { z } from 'zod'
import { UnprocessableError } from '../../platform/errors.ts'

/**
 * ISO 4217 minor units (the "E" column of the ISO list). Codes absent here have 2 minor
 * units in ISO but are refused anyway: an unknown code is more likely a typo than a
 * currency, and a typo must not silently bill with 2 decimals.
 */
const ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']
const THREE_DECIMAL = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']
const FOUR_DECIMAL = ['CLF', 'UYW']
const TWO_DECIMAL = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BMD', 'BND',
  'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK',
  'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GTQ', 'GYD',
  'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK',
  'LBP', 'LKR', 'LRD', 'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN',
  'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'QAR', 'RON',
  'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SYP', 'SZL',
  'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'USD', 'UYU', 'UZS', 'VES', 'WST', 'XCD', 'YER',
  'ZAR', 'ZMW', 'ZWG',
]

const MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  ...ZERO_DECIMAL.map((c) => [c, 0] as const),
  ...TWO_DECIMAL.map((c) => [c, 2] as const),
  ...THREE_DECIMAL.map((c) => [c, 3] as const),
  ...FOUR_DECIMAL.map((c) => [c, 4] as const),
])

/** `"USD"` for ISO currencies, or `{ code: "CREDITS", precision: 4 }` for a custom unit. */
export const currencySchema = z
  .union([
    z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as "USD"' }),
    z.strictObject({
      code: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, { message: 'must be letters, digits or _' }),
      precision: z.number().int().min(0).max(12),
    }),
  ])
  .superRefine((input, ctx) => {
    const problem = currencyProblem(input)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_currency' } })
  })
export type CurrencyInput = string | { code: string; precision: number }

export interface Currency {
  code: string
  /** Digits after the decimal point of the smallest billable amount (USD 2, JPY 0, KWD 3). */
  minorUnits: number
}

/** The issue, if any, with a currency input; used by schemas to report it at its field. */
export function currencyProblem(input: CurrencyInput): string | null {
  if (typeof input === 'string') {
    return MINOR_UNITS.has(input) ? null : `unknown ISO 4217 currency "${input}"; declare a custom currency as { code, precision }`
  }
  const iso = MINOR_UNITS.get(input.code.toUpperCase())
  // NOTE: a custom "usd" with precision 0 would invoice dollars as if they were yen.
  if (iso !== undefined && iso !== input.precision) {
    return `custom currency "${input.code}" collides with ISO 4217 ${input.code.toUpperCase()} (${iso} minor units)`
  }
  return null
}

/** Resolves a validated currency input to its code and minor units. */
export function resolveCurrency(input: CurrencyInput): Currency {
  const problem = currencyProblem(input)
  if (problem) throw new UnprocessableError('invalid_currency', problem, [{ field: 'currency', code: 'invalid_currency', message: problem }])
  if (typeof input === 'string') return { code: input, minorUnits: MINOR_UNITS.get(input) ?? 2 }
  return { code: input.code, minorUnits: input.precision }
}

/** The minor units of an ISO code, or undefined for codes we do not know. */
export function isoMinorUnits(code: string): number | undefined {
  return MINOR_UNITS.get(code)
}
