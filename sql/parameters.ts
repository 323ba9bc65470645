// Query parameters of a template. ClickHouse binds them itself (`{name:Type}` in the text,
// values sent apart from it), so a value can never become SQL. Three are given by Tally on
// every run; a template may declare more, each with a type and a default.
import { z } from 'zod'
import { ValidationError } from '../platform/errors.ts'
import { IDENTIFIER, IDENTIFIER_RULE } from '../platform/identifier.ts'

/** The parameters every run binds. Periods are half-open `[period_start, period_end)`, UTC. */
export const SYSTEM_PARAMETERS = {
  customer_id: 'String',
  period_start: 'DateTime64(3)',
  period_end: 'DateTime64(3)',
} as const

export type SystemParameter = keyof typeof SYSTEM_PARAMETERS

/**
 * Types a parameter may have. NOTE: `Identifier` is deliberately absent: `{t:Identifier}`
 * substitutes a table or column name, which would let a value name another table.
 */
const ALLOWED_TYPE =
  /^(?:String|Bool|U?Int(?:8|16|32|64|128|256)|Float(?:32|64)|Date|Date32|DateTime|DateTime64\(\s*[0-9]\s*(?:,\s*'UTC'\s*)?\)|Decimal(?:32|64|128|256)\(\s*\d{1,2}\s*\)|Decimal\(\s*\d{1,2}\s*,\s*\d{1,2}\s*\)|Array\((?:String|U?Int(?:8|16|32|64)|Decimal\(\s*\d{1,2}\s*,\s*\d{1,2}\s*\))\))$/

/** What the user-declared parameter types may be (same as placeholders). */
export function isAllowedParameterType(type: string): boolean {
  return ALLOWED_TYPE.test(type.trim())
}

export const declaredParameterSchema = z
  .object({
    name: z
      .string()
      .regex(IDENTIFIER, IDENTIFIER_RULE)
      .refine((n) => !(n in SYSTEM_PARAMETERS), 'customer_id, period_start and period_end are bound by Tally'),
    type: z
      .string()
      .refine(isAllowedParameterType, 'an allowed ClickHouse type: String, Bool, (U)Int*, Date, DateTime64(3), Decimal(P,S), Array(String) …; not Identifier'),
    default: z.string().describe('Default value as ClickHouse text ("0.5", "eu-west"); for Array types a JSON array (["eu","us"])'),
    description: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.type.startsWith('Array(') && parameterValue(p.type, p.default) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'an Array parameter\'s default is a JSON array, e.g. ["eu","us"]' })
    }
  })

export type DeclaredParameter = z.output<typeof declaredParameterSchema>

/**
 * The value handed to the client for a parameter: text as is, an Array parameter's JSON array
 * as a JS array (the client renders and escapes it; undefined when the text is not one).
 */
export function parameterValue(type: string, text: string): unknown {
  if (!type.startsWith('Array(')) return text
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) && parsed.every((v) => typeof v === 'string' || typeof v === 'number') ? parsed : undefined
  } catch {
    return undefined
  }
}

/** A `{name:Type}` placeholder found in template text. */
export interface Placeholder {
  name: string
  type: string
  line: number
  column: number
}

/** Splits the text of a `param` token; null when it is not of the `{name:Type}` form. */
export function parsePlaceholder(text: string): { name: string; type: string } | null {
  const m = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}$/.exec(text)
  return m === null ? null : { name: m[1]!, type: m[2]! }
}

/** `2024-03-01T00:00:00.000Z` → `2024-03-01 00:00:00.000`, the text form bound for DateTime64(3). */
export function toClickHouseInstant(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '')
}

export interface Period {
  start: Date
  end: Date
}

/** Values for every parameter a run binds: system ones, then declared defaults, then overrides. */
export function bindParameters(opts: {
  customerId: string
  period: Period
  declared: readonly DeclaredParameter[]
  overrides?: Record<string, string>
}): Record<string, unknown> {
  const values: Record<string, unknown> = {
    customer_id: opts.customerId,
    period_start: toClickHouseInstant(opts.period.start),
    period_end: toClickHouseInstant(opts.period.end),
  }
  for (const name of Object.keys(opts.overrides ?? {})) {
    if (!opts.declared.some((p) => p.name === name)) {
      throw new ValidationError('unknown_parameter', `parameter ${name} is not declared by this metric version`, [
        { field: `parameters.${name}`, code: 'unknown_parameter', message: 'not declared' },
      ])
    }
  }
  for (const p of opts.declared) {
    const value = parameterValue(p.type, opts.overrides?.[p.name] ?? p.default)
    if (value === undefined) {
      throw new ValidationError('invalid_parameter', `parameter ${p.name} (${p.type}) takes a JSON array`, [
        { field: `parameters.${p.name}`, code: 'invalid_parameter', message: 'a JSON array, e.g. ["eu","us"]' },
      ])
    }
    values[p.name] = value
  }
  return values
}
