// The text-level look at a template: the walls of textWalls.ts, a SELECT, known parameters
// with allowed types, `raw.<metric>` / `history.<metric>` references to declared raw metrics,
// and the names of the template's own CTEs. Everything here has a line and column. Nothing is
// sent to ClickHouse. It runs twice: on the user's text (for positions the user can read) and
// on ClickHouse's re-serialisation of it, which is what Tally rewrites and runs.
import { identName, isIdent, isKeyword, LexError, significant, tokenize, type Token } from './lexer.ts'
import { isAllowedParameterType, parsePlaceholder, SYSTEM_PARAMETERS, type Placeholder } from './parameters.ts'
import { RESERVED_PREFIX, textWallIssues } from './textWalls.ts'

export type QueryRole = 'aggregate_query' | 'customer_query'

/** One problem with a template, in the shape the validate endpoint answers with. */
export interface TemplateIssue {
  query: QueryRole
  code: string
  message: string
  line?: number
  column?: number
}

/**
 * `raw` is the organisation's events of the metric in the billing period (and, in the
 * customer query, of the customer); `history` the same from the beginning up to the period's
 * end, for state carried into the period (an instance started before it).
 */
export type EventSource = 'raw' | 'history'

/** A `raw.<metric>` or `history.<metric>` reference: the tokens `raw`, `.`, `<metric>` in the text. */
export interface RawReference {
  source: EventSource
  metric: string
  /** Token offsets in the source: replaced as a whole by the scope rewrite. */
  start: number
  end: number
  line: number
  column: number
}

export interface ScannedTemplate {
  role: QueryRole
  text: string
  tokens: Token[]
  placeholders: Placeholder[]
  rawReferences: RawReference[]
  /** Names the template gives its own CTEs (`WITH name AS (SELECT …)`). */
  cteNames: string[]
  issues: TemplateIssue[]
}

export const AGGREGATES_TABLE = 'aggregates'
/** Names a template's CTE may not take: they are how it reaches Tally's scope. */
const RESERVED_CTE_NAMES = new Set(['raw', 'history', AGGREGATES_TABLE])

export function scanTemplate(opts: {
  role: QueryRole
  text: string
  rawMetrics: readonly string[]
  declaredParameters: ReadonlyMap<string, string>
}): ScannedTemplate {
  const { role, text } = opts
  const issues: TemplateIssue[] = []
  const issue = (code: string, message: string, at?: { line: number; column: number }) =>
    issues.push({ query: role, code, message, ...(at ? { line: at.line, column: at.column } : {}) })
  const empty: ScannedTemplate = { role, text, tokens: [], placeholders: [], rawReferences: [], cteNames: [], issues }

  let tokens: Token[]
  try {
    tokens = tokenize(text)
  } catch (err) {
    if (!(err instanceof LexError)) throw err
    issue(err.code, err.message, err)
    return empty
  }
  const sig = significant(tokens)
  if (sig.length === 0) {
    issue('empty_query', 'the query is empty')
    return empty
  }

  for (const wall of textWallIssues(text, tokens)) issue(wall.code, wall.message, wall)
  const first = sig[0]!
  if (!(isKeyword(first, 'SELECT') || isKeyword(first, 'WITH') || (first.kind === 'punct' && first.text === '('))) {
    issue('statement_not_select', `a template is one SELECT (or WITH … SELECT); found ${first.text.toUpperCase()}`, first)
  }

  // Parentheses must balance and never close more than they opened: the template is spliced
  // into `SELECT * FROM (…)`, and an extra `)` would end that subquery early.
  let depth = 0
  for (const t of sig) {
    if (t.kind !== 'punct') continue
    if (t.text === '(') depth++
    if (t.text === ')' && --depth < 0) {
      issue('unbalanced_parentheses', 'a `)` closes a parenthesis that was never opened', t)
      depth = 0
    }
  }
  if (depth > 0) issue('unbalanced_parentheses', `${depth} parenthesis(es) left open`)

  // Clauses a template may not carry, found early so the answer has a line and column
  // (ClickHouse's tree check below catches every form of them again).
  sig.forEach((t, i) => {
    const next = sig[i + 1]
    if (isKeyword(t, 'SETTINGS') && isIdent(next) && sig[i + 2]?.text === '=') issue('settings_forbidden', 'SETTINGS cannot be changed by a template', t)
    if (isKeyword(t, 'FORMAT') && isIdent(next)) issue('output_clause_forbidden', 'FORMAT is chosen by Tally; remove it', t)
    if (isKeyword(t, 'INTO') && isKeyword(next, 'OUTFILE')) issue('output_clause_forbidden', 'INTO OUTFILE is not allowed', t)
  })

  const placeholders: Placeholder[] = []
  for (const t of sig) {
    if (t.kind !== 'param') continue
    const p = parsePlaceholder(t.text)
    if (p === null) {
      issue('invalid_parameter', `${t.text} is not a {name:Type} parameter`, t)
      continue
    }
    placeholders.push({ ...p, line: t.line, column: t.column })
    const system = (SYSTEM_PARAMETERS as Record<string, string>)[p.name]
    const declared = opts.declaredParameters.get(p.name)
    if (p.name.startsWith(RESERVED_PREFIX)) issue('parameter_reserved', `parameter names starting with ${RESERVED_PREFIX} are Tally's`, t)
    else if (!isAllowedParameterType(p.type))
      issue('parameter_type_forbidden', `parameter type ${p.type} is not allowed (Identifier and other non-value types are refused)`, t)
    else if (system !== undefined) {
      const ok = p.name === 'customer_id' ? p.type === 'String' : /^DateTime64\(\s*3\s*(,\s*'UTC'\s*)?\)$/.test(p.type)
      if (!ok) issue('parameter_type_mismatch', `{${p.name}} is bound as ${system}; write {${p.name}:${system}}`, t)
      if (p.name === 'customer_id' && role === 'aggregate_query') {
        issue('customer_in_aggregate', 'the aggregate query runs once for all customers; filter by {customer_id:String} in the customer query', t)
      }
    } else if (declared === undefined) issue('unknown_parameter', `{${p.name}} is neither customer_id, period_start, period_end nor a declared parameter`, t)
    else if (declared.replace(/\s/g, '') !== p.type.replace(/\s/g, '')) issue('parameter_type_mismatch', `{${p.name}} is declared as ${declared}`, t)
  }

  const rawReferences: RawReference[] = []
  const cteNames: string[] = []
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!
    const dot = sig[i + 1]
    const name = sig[i + 2]
    const source = t.kind === 'word' ? t.text.toLowerCase() : ''
    if ((source === 'raw' || source === 'history') && dot?.text === '.' && isIdent(name) && dot.start === t.end && name.start === dot.end) {
      const metric = identName(name)
      if (!opts.rawMetrics.includes(metric)) {
        issue('raw_metric_not_declared', `${source}.${metric} is not one of this metric's raw metrics (${opts.rawMetrics.join(', ') || 'none'})`, t)
      }
      rawReferences.push({ source, metric, start: t.start, end: name.end, line: t.line, column: t.column })
      i += 2
      continue
    }
    // `name AS (SELECT …` / `name AS (WITH …`: a CTE definition.
    if (isIdent(t) && isKeyword(sig[i + 1], 'AS') && sig[i + 2]?.text === '(' && (isKeyword(sig[i + 3], 'SELECT') || isKeyword(sig[i + 3], 'WITH'))) {
      const cte = identName(t)
      if (RESERVED_CTE_NAMES.has(cte.toLowerCase())) {
        issue('cte_name_reserved', `${cte} is a name Tally uses; pick another CTE name`, t)
      }
      cteNames.push(cte)
    }
  }
  return { role, text, tokens, placeholders, rawReferences, cteNames, issues }
}

/** The CTE name a `raw.<metric>` / `history.<metric>` reference becomes in the scoped query. */
export function scopedRawName(metric: string, source: EventSource = 'raw'): string {
  return `${RESERVED_PREFIX}_${source}_${metric}`
}

/** Replaces `[start, end)` of a scanned text by `text` (an insertion when start = end). */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * The template text with every `raw.<metric>` / `history.<metric>` replaced by its scope CTE name and, when
 * `renameParameters` is given, placeholders renamed (the batch query binds one customer id
 * per copy of the customer query), and `extra` edits made (grouped form: groupedTemplate.ts).
 * Comments and spacing stay as written.
 */
export function rewriteTemplate(scanned: ScannedTemplate, renameParameters?: (name: string) => string, extra: readonly TextEdit[] = []): string {
  const edits: TextEdit[] = scanned.rawReferences.map((r) => ({
    start: r.start,
    end: r.end,
    text: scopedRawName(r.metric, r.source),
  }))
  edits.push(...extra)
  if (renameParameters !== undefined) {
    for (const t of scanned.tokens) {
      if (t.kind !== 'param') continue
      const p = parsePlaceholder(t.text)
      if (p !== null) edits.push({ start: t.start, end: t.end, text: `{${renameParameters(p.name)}:${p.type}}` })
    }
  }
  edits.sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const e of edits) {
    out += scanned.text.slice(at, e.start) + e.text
    at = e.end
  }
  return out + scanned.text.slice(at)
}
