// The ISO 4217 table: every currency code Tally accepts as a customer's, plan's, contract's,
// invoice's or price's currency, with its minor units. It is data, not a domain rule, so it
// lives here where both the ledger (customers, contracts, invoices) and rating (prices, the
// pricing preview) read it: one table, so a code one of them accepts the other accepts too.
// Amounts are rounded to the currency's minor unit, so a wrong exponent here is the "invoice
// off by 100×" bug: JPY has no cents, KWD has fils (1/1000).
import { UnprocessableError } from './errors.ts'

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

/** The minor units of an ISO code, or undefined for codes the table does not hold. */
export function isoMinorUnits(code: string): number | undefined {
  return MINOR_UNITS.get(code)
}

/**
 * Accepts an ISO 4217 code of the table, written upper-case (`USD`, `EUR`, `JPY`); anything
 * else is 422 `invalid_currency` at `field`: the request is well-formed (a string), its
 * content names no currency.
 */
export function validateCurrency(currency: string, field = 'currency'): string {
  if (MINOR_UNITS.has(currency)) return currency
  const message = `currency must be an ISO 4217 code written upper-case, such as USD, EUR or JPY; got "${currency}"`
  throw new UnprocessableError('invalid_currency', message, [{ field, code: 'invalid_currency', message }])
}
