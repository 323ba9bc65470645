// Render (pure): the queries Tally actually runs, built around template text. A template never
// sees the `events` table; it reads `raw.<metric>`, which becomes a CTE over `events` fixed to
// the organisation and the raw metric by bound parameters:
//
//   WITH __tally_raw_api_calls AS (SELECT customer_id, timestamp, event_id, data, fields
//                                  FROM events WHERE org_id = {__tally_org_id:String}
//                                    AND raw_metric = {__tally_raw_0:String}),
//        aggregates AS (…)
//   SELECT * FROM (
//   <template, raw.api_calls → __tally_raw_api_calls>
//   )
//   SETTINGS readonly = 1, max_execution_time = …
//
// The template sits inside parentheses on lines of its own, after the lexer proved it is one
// statement with balanced parentheses, so it cannot end the subquery or add clauses to ours.
import { RESERVED_PREFIX, rewriteTemplate, scopedRawName, type ScannedTemplate } from './templateScan.ts'
import { sandboxSettings, type SandboxLimits } from './sandbox.ts'

export const CUSTOMER_INDEX_COLUMN = `${RESERVED_PREFIX}_customer`
export const ORG_PARAMETER = `${RESERVED_PREFIX}_org_id`

export interface Scope {
  orgId: string
  /** The raw metrics the version declares; each becomes one scope CTE. */
  rawMetrics: readonly string[]
}

export interface ComposedQuery {
  /** Everything but the SETTINGS clause: what the final check parses (see runSandboxed.ts). */
  body: string
  /** `body` + Tally's SETTINGS clause: what runs. */
  sql: string
  /** Tally's bound parameters (org, raw metric names, per-copy customer ids); template parameters are added by the caller. */
  params: Record<string, string>
  /** CTE and scratch table names the composed query may read besides `events`. */
  tables: string[]
  /** How many times `events` is read (one per scope CTE): the final check expects exactly this. */
  eventsReads: number
}

/**
 * The scope CTE over `events`. `fields` offers every top-level data field as text
 * (`fields['region']`); unused columns are pruned by the engine, so it costs nothing unless read.
 */
function scopeCtes(scope: Scope, params: Record<string, string>): string[] {
  params[ORG_PARAMETER] = scope.orgId
  return scope.rawMetrics.map((metric, i) => {
    params[`${RESERVED_PREFIX}_raw_${i}`] = metric
    return (
      `${scopedRawName(metric)} AS (\n` +
      `    SELECT customer_id, timestamp, event_id, data, CAST(JSONExtractKeysAndValues(data, 'String'), 'Map(String, String)') AS fields\n` +
      `    FROM events\n` +
      `    WHERE org_id = {${ORG_PARAMETER}:String} AND raw_metric = {${RESERVED_PREFIX}_raw_${i}:String}\n` +
      `  )`
    )
  })
}

/** The body always ends in `)` or `LIMIT 0`, so the clause cannot fall into a comment. */
function withSettings(body: string, limits: SandboxLimits): string {
  return `${body}\nSETTINGS ${sandboxSettings(limits)}`
}

function withClause(ctes: string[]): string {
  return ctes.length === 0 ? '' : `WITH\n  ${ctes.join(',\n  ')}\n`
}

/** The aggregate query, scoped, for all customers of one period. */
export function composeAggregateQuery(opts: { scope: Scope; aggregate: ScannedTemplate; limits: SandboxLimits }): ComposedQuery {
  const params: Record<string, string> = {}
  const ctes = scopeCtes(opts.scope, params)
  const body = `${withClause(ctes)}SELECT * FROM (\n${rewriteTemplate(opts.aggregate)}\n)`
  return { body, sql: withSettings(body, opts.limits), params, tables: opts.scope.rawMetrics.map(scopedRawName), eventsReads: opts.scope.rawMetrics.length }
}

/** Where the customer query's `aggregates` comes from. */
export type AggregatesSource = { kind: 'none' } | { kind: 'inline'; aggregate: ScannedTemplate } | { kind: 'table'; table: string }

/**
 * The customer query for `customerCount` customers in one statement: one copy of the template
 * per customer, each binding its own `{__tally_customer_<i>:String}` in place of
 * `{customer_id:String}`, tagged with the index in `__tally_customer`.
 */
export function composeCustomerQuery(opts: {
  scope: Scope
  customer: ScannedTemplate
  aggregates: AggregatesSource
  customerIds: readonly string[]
  limits: SandboxLimits
  /** Appends LIMIT 0: the result's columns and types without its rows. */
  shapeOnly?: boolean
}): ComposedQuery {
  const params: Record<string, string> = {}
  const ctes = scopeCtes(opts.scope, params)
  const tables = opts.scope.rawMetrics.map(scopedRawName)
  if (opts.aggregates.kind === 'inline') {
    ctes.push(`aggregates AS (\n${rewriteTemplate(opts.aggregates.aggregate)}\n)`)
    tables.push('aggregates')
  } else if (opts.aggregates.kind === 'table') {
    ctes.push(`aggregates AS (SELECT * FROM ${opts.aggregates.table})`)
    tables.push('aggregates', opts.aggregates.table)
  }
  const copies = opts.customerIds.map((id, i) => {
    const name = `${CUSTOMER_INDEX_COLUMN}_${i}`
    params[name] = id
    const text = rewriteTemplate(opts.customer, (p) => (p === 'customer_id' ? name : p))
    return `SELECT ${i} AS ${CUSTOMER_INDEX_COLUMN}, * FROM (\n${text}\n)`
  })
  const limit = opts.shapeOnly === true ? '\nLIMIT 0' : ''
  const body = `${withClause(ctes)}SELECT * FROM (\n${copies.join('\nUNION ALL\n')}\n)${limit}`
  return { body, sql: withSettings(body, opts.limits), params, tables, eventsReads: opts.scope.rawMetrics.length }
}
