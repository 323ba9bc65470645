// Custom currencies an organisation declares (CREDITS, TOKENS_K) beside the ISO 4217 table, and
// the one currency table (platform/currency.ts) every repository that takes a currency checks
// against: customers, plans, contracts, payments, credit notes, and rating through its port.
// A declaration is immutable: its precision rounds every invoice in that currency, so it may
// not change under existing invoices (there is no update and no delete).
import { asc, eq } from 'drizzle-orm'
import { ConflictError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import { CUSTOM_CURRENCY_CODE, MAX_CURRENCY_PRECISION, currencyTable, isoMinorUnits, type CurrencyTable } from '../platform/currency.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertOrgId, toIso } from './ids.ts'
import { insertError } from './insertError.ts'
import { currencies as table } from './schema/currencies.ts'

export interface CustomCurrency {
  orgId: string
  code: string
  name: string
  /** Minor units: digits after the decimal point of the smallest amount (0–12). */
  precision: number
  createdAt: string
}

export interface DeclareCurrencyInput {
  orgId: string
  code: string
  name: string
  precision: number
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

/** Longest display name of a custom currency. */
export const MAX_CURRENCY_NAME_LENGTH = 100

export interface CurrencyRepository {
  /**
   * Declares a custom currency. Throws ValidationError (`code` shape, `name`, `precision`
   * range: 400 `invalid_request`), UnprocessableError `currency_is_iso` (an ISO 4217 code is
   * already in every table, with ISO's minor units) or ConflictError `currency_exists`.
   */
  create(input: DeclareCurrencyInput): Promise<CustomCurrency>
  /** The organisation's declared currencies, in code order. */
  list(orgId: string): Promise<CustomCurrency[]>
  /** ISO 4217 plus the organisation's declared currencies. */
  table(orgId: string): Promise<CurrencyTable>
}

function toCurrency(row: typeof table.$inferSelect): CustomCurrency {
  return { orgId: row.orgId, code: row.code, name: row.name, precision: row.precision, createdAt: toIso(row.createdAt) }
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError('invalid_request', `${field} ${message}`, [{ field, code: `invalid_${field}`, message }])
}

export function createCurrencyRepository(db: Database): CurrencyRepository {
  const list = async (orgId: string) => {
    assertOrgId(orgId)
    const rows = await db.select().from(table).where(eq(table.orgId, orgId)).orderBy(asc(table.code))
    return rows.map(toCurrency)
  }
  return {
    async create(input) {
      assertOrgId(input.orgId)
      if (!CUSTOM_CURRENCY_CODE.test(input.code)) {
        throw invalid('code', 'must be 2 to 32 upper-case letters, digits or _, starting with a letter, such as CREDITS or TOKENS_K')
      }
      const name = input.name.trim()
      if (name === '' || name.length > MAX_CURRENCY_NAME_LENGTH) throw invalid('name', `must be 1 to ${MAX_CURRENCY_NAME_LENGTH} characters`)
      if (!Number.isInteger(input.precision) || input.precision < 0 || input.precision > MAX_CURRENCY_PRECISION) {
        throw invalid('precision', `must be a whole number of minor-unit digits from 0 to ${MAX_CURRENCY_PRECISION}`)
      }
      const iso = isoMinorUnits(input.code)
      if (iso !== undefined) {
        const message = `${input.code} is an ISO 4217 currency (${iso} minor units); every organisation can bill in it without declaring it`
        throw new UnprocessableError('currency_is_iso', message, [{ field: 'code', code: 'currency_is_iso', message }])
      }
      try {
        const [row] = await db
          .insert(table)
          .values({ orgId: input.orgId, code: input.code, name, precision: input.precision, createdAt: input.now })
          .returning()
        return toCurrency(row!)
      } catch (err) {
        throw insertError(
          err,
          input.orgId,
          () =>
            new ConflictError(
              'currency_exists',
              `currency ${input.code} is already declared; declarations never change, because invoices are rounded to their precision`,
            ),
        )
      }
    },

    list,

    async table(orgId) {
      return currencyTable(await list(orgId))
    },
  }
}
