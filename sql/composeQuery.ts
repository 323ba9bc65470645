// Render (pure): the queries Tally actually runs, built around ClickHouse's re-serialisation of
// a template (canonicalQuery.ts). A template never sees the `events` table; it reads
// `raw.<metric>` (or `history.<metric>`), which becomes a CTE over `events` that Tally writes
// and binds: the organisation, the raw metric, the billing period and, in the customer query,
// the customer. Scope is applied outside the user's query, so a template that forgets
// `WHERE customer_id = …` or the period still sees one customer's events of one period.
//
//   WITH __tally_aggregates AS (SELECT * FROM __tally_agg_<random>)      -- aggregate query's rows
//   SELECT * FROM (
//   SELECT 0 AS __tally_customer, * FROM (
//   WITH
//     __tally_raw_api_calls AS (SELECT … FROM events WHERE org_id = {__tally_org_id:String}
//       AND raw_metric = … AND customer_id = {__tally_customer_0:String}
//       AND timestamp >= {__tally_period_start:…} AND timestamp < {__tally_period_end:…}),
//     aggregates AS (SELECT * FROM __tally_aggregates WHERE customer_id = {__tally_customer_0:String})
//   SELECT * FROM (
//   <template, raw.api_calls → __tally_raw_api_calls, {customer_id} → {__tally_customer_0}>
//   )
//   )
//   UNION ALL …
//   )
//   SETTINGS readonly = 1, max_execution_time = …
//
// The template text is ClickHouse's own single-statement serialisation, whose parentheses
// balance and whose strings are escaped by the engine, so it cannot close the subquery or
// reach our SETTINGS clause; runSandboxed.ts checks the composition as analysed anyway.
import type { Period } from './parameters.ts'
import { toClickHouseInstant } from './parameters.ts'
import { sandboxSettings, type SandboxLimits } from './sandbox.ts'
import { GROUP_COLUMN } from './groupedTemplate.ts'
import { rewriteTemplate, scopedRawName, type EventSource, type ScannedTemplate, type TextEdit } from './templateScan.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

export const CUSTOMER_INDEX_COLUMN = `${RESERVED_PREFIX}_customer`
const ORG_PARAMETER = `${RESERVED_PREFIX}_org_id`
/** The CTE holding the aggregate query's rows for every customer; `aggregates` is one customer's share. */
const AGGREGATES_CTE = `${RESERVED_PREFIX}_aggregates`
const PERIOD_START = `${RESERVED_PREFIX}_period_start`
const PERIOD_END = `${RESERVED_PREFIX}_period_end`
const CUSTOMER_FIELD = `${RESERVED_PREFIX}_customer_field`
/** The grouped form's customers, one Array(String) parameter. */
const CUSTOMERS_PARAMETER = `${RESERVED_PREFIX}_customers`

/** Whose events a scope CTE holds: all the organisation's, one customer's, or a list's (grouped, each row tagged). */
type CustomerFilter = { kind: 'all' } | { kind: 'one'; param: string } | { kind: 'grouped' }

export interface Scope {
  orgId: string
  /** The raw metrics the version declares. */
  rawMetrics: readonly string[]
  /** The billing period `[start, end)`, UTC. */
  period: Period
  /**
   * The top-level data field holding the customer id, when it is not the event's own
   * `customer_id` (a builder metric's `customer_column`); null or absent: `customer_id`.
   */
  customerField?: string | null
}

/** The data field a scope reads the customer from: the builder's choice, else the event's own. */
export function customerFieldOf(builder: { customer_column?: string } | null): string | null {
  const column = builder?.customer_column
  return column === undefined || column === 'customer_id' ? null : column
}

export interface ComposedQuery {
  /** Everything but the SETTINGS clause: what the final check analyses (see runSandboxed.ts). */
  body: string
  /** `body` + Tally's SETTINGS clause: what runs. */
  sql: string
  /** Tally's bound parameters (org, raw metrics, period, per-copy customer ids); template parameters are added by the caller. */
  params: Record<string, string | readonly string[]>
  /** Names of Tally's scope CTEs: the only places `events` is read. */
  scopeCtes: string[]
  /** Table names the parse-only check lets through besides the template's own CTEs. */
  tables: string[]
  /** The scratch table and the CTE that reads it, when the aggregate query ran first. */
  scratch?: { cte: string; table: string }
  /** How many times `events` appears in the text (one per scope CTE definition). */
  eventsReads: number
}

/** Where the customer query's `aggregates` comes from. */
export type AggregatesSource =
  | { kind: 'none' }
  | { kind: 'inline'; aggregate: ScannedTemplate }
  /** `byCustomer`: the rows have a String `customer_id`; each customer sees only its own. */
  | { kind: 'table'; table: string; byCustomer: boolean }

interface Built {
  params: Record<string, string | readonly string[]>
  scopeCtes: Set<string>
  eventsReads: number
}

function start(scope: Scope): Built {
  const params: Built['params'] = {
    [ORG_PARAMETER]: scope.orgId,
    [PERIOD_START]: toClickHouseInstant(scope.period.start),
    [PERIOD_END]: toClickHouseInstant(scope.period.end),
  }
  scope.rawMetrics.forEach((metric, i) => (params[`${RESERVED_PREFIX}_metric_${i}`] = metric))
  if (scope.customerField) params[CUSTOMER_FIELD] = scope.customerField
  return { params, scopeCtes: new Set(), eventsReads: 0 }
}

/** The (source, metric) pairs a template reads, each once. */
function sourcesOf(template: ScannedTemplate): Array<{ source: EventSource; metric: string }> {
  const seen = new Map<string, { source: EventSource; metric: string }>()
  for (const r of template.rawReferences) seen.set(`${r.source}.${r.metric}`, { source: r.source, metric: r.metric })
  return [...seen.values()]
}

/**
 * The scope CTEs over `events` for what `template` reads. `fields` offers every top-level data
 * field as text (`fields['region']`); unused columns are pruned by the engine.
 */
function scopeCtes(scope: Scope, built: Built, template: ScannedTemplate, customers: CustomerFilter = { kind: 'all' }): string[] {
  const customer = scope.customerField ? `JSONExtractString(data, {${CUSTOMER_FIELD}:String})` : 'customer_id'
  return sourcesOf(template).map(({ source, metric }) => {
    const name = scopedRawName(metric, source)
    built.scopeCtes.add(name)
    built.eventsReads++
    const conditions = [
      `org_id = {${ORG_PARAMETER}:String}`,
      `raw_metric = {${RESERVED_PREFIX}_metric_${scope.rawMetrics.indexOf(metric)}:String}`,
      ...(customers.kind === 'one' ? [`${customer} = {${customers.param}:String}`] : []),
      ...(customers.kind === 'grouped' ? [`${customer} IN {${CUSTOMERS_PARAMETER}:Array(String)}`] : []),
      ...(source === 'raw' ? [`timestamp >= {${PERIOD_START}:DateTime64(3)}`] : []),
      `timestamp < {${PERIOD_END}:DateTime64(3)}`,
    ]
    const group = customers.kind === 'grouped' ? `, ${customer} AS ${GROUP_COLUMN}` : ''
    return (
      `${name} AS (\n` +
      `    SELECT customer_id, timestamp, event_id, data, CAST(JSONExtractKeysAndValues(data, 'String'), 'Map(String, String)') AS fields${group}\n` +
      `    FROM events\n` +
      `    WHERE ${conditions.join('\n      AND ')}\n` +
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

function finish(built: Built, body: string, limits: SandboxLimits, extra: Pick<ComposedQuery, 'tables' | 'scratch'>): ComposedQuery {
  const scopeCtes = [...built.scopeCtes]
  return {
    body,
    sql: withSettings(body, limits),
    params: built.params,
    scopeCtes,
    eventsReads: built.eventsReads,
    ...extra,
    tables: [...scopeCtes, ...extra.tables],
  }
}

/** The aggregate query for all customers of the organisation and one period. */
export function composeAggregateQuery(opts: { scope: Scope; aggregate: ScannedTemplate; limits: SandboxLimits; shapeOnly?: boolean }): ComposedQuery {
  const built = start(opts.scope)
  const ctes = scopeCtes(opts.scope, built, opts.aggregate)
  const limit = opts.shapeOnly === true ? '\nLIMIT 0' : ''
  const body = `${withClause(ctes)}SELECT * FROM (\n${rewriteTemplate(opts.aggregate)}\n)${limit}`
  return finish(built, body, opts.limits, { tables: ['events'] })
}

/**
 * The customer query for `customerIds` in one statement: one copy of the template per
 * customer, each in its own scope (its own events, its own share of the aggregates), binding
 * `{__tally_customer_<i>:String}` for `{customer_id:String}`, tagged with the index in
 * `__tally_customer`.
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
  const built = start(opts.scope)
  const top: string[] = []
  const tables = ['events']
  let scratch: ComposedQuery['scratch']
  if (opts.aggregates.kind === 'inline') {
    top.push(...scopeCtes(opts.scope, built, opts.aggregates.aggregate))
    top.push(`${AGGREGATES_CTE} AS (\n${rewriteTemplate(opts.aggregates.aggregate)}\n)`)
  } else if (opts.aggregates.kind === 'table') {
    top.push(`${AGGREGATES_CTE} AS (SELECT * FROM ${opts.aggregates.table})`)
    scratch = { cte: AGGREGATES_CTE, table: opts.aggregates.table }
    tables.push(opts.aggregates.table)
  }
  if (opts.aggregates.kind !== 'none') tables.push(AGGREGATES_CTE, 'aggregates')
  const byCustomer = opts.aggregates.kind === 'table' && opts.aggregates.byCustomer
  const copies = opts.customerIds.map((id, i) => {
    const param = `${CUSTOMER_INDEX_COLUMN}_${i}`
    built.params[param] = id
    const ctes = scopeCtes(opts.scope, built, opts.customer, { kind: 'one', param })
    if (opts.aggregates.kind !== 'none') {
      ctes.push(`aggregates AS (SELECT * FROM ${AGGREGATES_CTE}${byCustomer ? ` WHERE customer_id = {${param}:String}` : ''})`)
    }
    const text = rewriteTemplate(opts.customer, (p) => (p === 'customer_id' ? param : p))
    return `SELECT ${i} AS ${CUSTOMER_INDEX_COLUMN}, * FROM (\n${withClause(ctes)}SELECT * FROM (\n${text}\n)\n)`
  })
  const limit = opts.shapeOnly === true ? '\nLIMIT 0' : ''
  const body = `${withClause(top)}SELECT * FROM (\n${copies.join('\nUNION ALL\n')}\n)${limit}`
  return finish(built, body, opts.limits, { tables, scratch })
}

/**
 * The grouped form (groupedTemplate.ts) of the customer query for `customerIds`, one statement:
 * the scope CTEs hold the events of every customer of the list (one Array(String) parameter),
 * each row tagged with its customer in `__tally_group`; `aggregates` (keyed by customer_id)
 * those customers' rows, tagged the same way. The result's first column `__tally_customer` is
 * the customer id itself.
 */
export function composeGroupedQuery(opts: {
  scope: Scope
  customer: ScannedTemplate
  edits: readonly TextEdit[]
  aggregates: { kind: 'none' } | { kind: 'table'; table: string }
  customerIds: readonly string[]
  limits: SandboxLimits
}): ComposedQuery {
  const built = start(opts.scope)
  built.params[CUSTOMERS_PARAMETER] = opts.customerIds
  const ctes = scopeCtes(opts.scope, built, opts.customer, { kind: 'grouped' })
  const tables = ['events']
  let scratch: ComposedQuery['scratch']
  if (opts.aggregates.kind === 'table') {
    ctes.unshift(`${AGGREGATES_CTE} AS (SELECT * FROM ${opts.aggregates.table})`)
    ctes.push(`aggregates AS (SELECT *, customer_id AS ${GROUP_COLUMN} FROM ${AGGREGATES_CTE} WHERE customer_id IN {${CUSTOMERS_PARAMETER}:Array(String)})`)
    scratch = { cte: AGGREGATES_CTE, table: opts.aggregates.table }
    tables.push(opts.aggregates.table, AGGREGATES_CTE, 'aggregates')
  }
  const text = rewriteTemplate(opts.customer, undefined, opts.edits)
  const body = `${withClause(ctes)}SELECT ${GROUP_COLUMN} AS ${CUSTOMER_INDEX_COLUMN}, * EXCEPT (${GROUP_COLUMN}) FROM (\n${text}\n)`
  return finish(built, body, opts.limits, { tables, scratch })
}
