// The currency of a price: an ISO 4217 code of the one table (`platform/currency.ts`), or a
// custom unit such as "CREDITS" that declares its own precision where it is used.
import { z } from 'zod'
import { isoMinorUnits } from '../../platform/currency.ts'
import { UnprocessableError } from '../../platform/errors.ts'

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
    return isoMinorUnits(input) !== undefined ? null : `unknown ISO 4217 currency "${input}"; declare a custom currency as { code, precision }`
  }
  const iso = isoMinorUnits(input.code.toUpperCase())
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
  if (typeof input === 'string') return { code: input, minorUnits: isoMinorUnits(input) ?? 2 }
  return { code: input.code, minorUnits: input.precision }
}
