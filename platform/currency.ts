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
  'AED',
  'AFN',
  'ALL',
  'AMD',
  'ANG',
  'AOA',
  'ARS',
  'AUD',
  'AWG',
  'AZN',
  'BAM',
  'BBD',
  'BDT',
  'BGN',
  'BMD',
  'BND',
  'BOB',
  'BRL',
  'BSD',
  'BTN',
  'BWP',
  'BYN',
  'BZD',
  'CAD',
  'CDF',
  'CHF',
  'CNY',
  'COP',
  'CRC',
  'CUP',
  'CVE',
  'CZK',
  'DKK',
  'DOP',
  'DZD',
  'EGP',
  'ERN',
  'ETB',
  'EUR',
  'FJD',
  'FKP',
  'GBP',
  'GEL',
  'GHS',
  'GIP',
  'GMD',
  'GTQ',
  'GYD',
  'HKD',
  'HNL',
  'HTG',
  'HUF',
  'IDR',
  'ILS',
  'INR',
  'IRR',
  'JMD',
  'KES',
  'KGS',
  'KHR',
  'KPW',
  'KYD',
  'KZT',
  'LAK',
  'LBP',
  'LKR',
  'LRD',
  'LSL',
  'MAD',
  'MDL',
  'MGA',
  'MKD',
  'MMK',
  'MNT',
  'MOP',
  'MRU',
  'MUR',
  'MVR',
  'MWK',
  'MXN',
  'MYR',
  'MZN',
  'NAD',
  'NGN',
  'NIO',
  'NOK',
  'NPR',
  'NZD',
  'PAB',
  'PEN',
  'PGK',
  'PHP',
  'PKR',
  'PLN',
  'QAR',
  'RON',
  'RSD',
  'RUB',
  'SAR',
  'SBD',
  'SCR',
  'SDG',
  'SEK',
  'SGD',
  'SHP',
  'SLE',
  'SOS',
  'SRD',
  'SSP',
  'STN',
  'SYP',
  'SZL',
  'THB',
  'TJS',
  'TMT',
  'TOP',
  'TRY',
  'TTD',
  'TWD',
  'TZS',
  'UAH',
  'USD',
  'UYU',
  'UZS',
  'VES',
  'WST',
  'XCD',
  'YER',
  'ZAR',
  'ZMW',
  'ZWG',
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
 * How a custom currency's code is written: upper-case letters, digits and `_`, starting with a
 * letter, 2 to 32 characters (`CREDITS`, `TOKENS_K`). Every ISO code has this shape too, so a
 * column that holds either checks this pattern (the ledger's `customers.currency`).
 */
export const CUSTOM_CURRENCY_CODE = /^[A-Z][A-Z0-9_]{1,31}$/
/** Digits after the point a custom currency may declare (ISO's finest is 4; credits go finer). */
export const MAX_CURRENCY_PRECISION = 12

/** A currency an organisation declared (ledger `currencies`): code and minor units. */
export interface DeclaredCurrency {
  code: string
  /** Minor units: digits after the decimal point of the smallest amount (0–12). */
  precision: number
}

/**
 * The currencies one organisation may bill in: the ISO 4217 table plus the custom currencies
 * it declared. Every place that accepts or rounds a currency asks one of these, so a code a
 * customer may hold is a code a plan, a contract, a price and a payment may hold too.
 */
export interface CurrencyTable {
  /** Digits after the point of the smallest amount; undefined for a code the table does not hold. */
  minorUnits(code: string): number | undefined
  /** The code when the table holds it, else 422 `invalid_currency` at `field`. */
  validate(code: string, field?: string): string
  /** The declared (non-ISO) currencies, in code order. */
  readonly custom: readonly DeclaredCurrency[]
}

/** The one message for a currency no table holds, wherever it is refused (customer, plan, contract). */
function invalidCurrency(currency: string, field: string): UnprocessableError {
  const message = `currency must be an ISO 4217 code written upper-case, such as USD, EUR or JPY, or a custom currency this organisation declared with POST /v1/currencies; got "${currency}"`
  return new UnprocessableError('invalid_currency', message, [{ field, code: 'invalid_currency', message }], {
    hint: 'declare a custom currency once with POST /v1/currencies (or `tally currencies create --code CREDITS --name Credits --precision 4`)',
  })
}

/** The table of an organisation: ISO 4217 plus `declared` (codes that are ISO codes are ignored). */
export function currencyTable(declared: readonly DeclaredCurrency[]): CurrencyTable {
  const custom = declared.filter((d) => !MINOR_UNITS.has(d.code)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  const byCode = new Map(custom.map((d) => [d.code, d.precision]))
  const minorUnits = (code: string) => MINOR_UNITS.get(code) ?? byCode.get(code)
  return {
    minorUnits,
    validate(code, field = 'currency') {
      if (minorUnits(code) !== undefined) return code
      throw invalidCurrency(code, field)
    },
    custom,
  }
}

/** The table of an organisation that declared nothing: ISO 4217 alone. */
export const isoCurrencies: CurrencyTable = currencyTable([])
