// The grouped form of a customer query: ONE statement for many customers instead of one copy of
// the template per customer (composeQuery.ts). Where the template is a single aggregation over
// one source, running it per customer is the same as running it once grouped by the customer:
//
//   SELECT fields['region'] AS region, count() AS quantity      SELECT fields['region'] AS region, count() AS quantity, __tally_group
//   FROM raw.requests                                      ──▶  FROM raw.requests
//   WHERE customer_id = {customer_id:String}                    WHERE customer_id = __tally_group
//   GROUP BY region                                             GROUP BY region, __tally_group
//
// where the scope CTE (no longer one customer's events, but those of every customer of the
// statement) carries `__tally_group`, the customer of each row. Each group then sees exactly the
// rows one customer's scope holds, and every row level expression (including a use of
// `{customer_id:String}` outside the projection, now that row's customer) evaluates as it did.
//
// What qualifies is decided by ClickHouse's analyser on the per-customer composition
// (EXPLAIN QUERY TREE, queryTree.ts), never by reading the text: the template's own query node
// may hold only a projection, its source, WHERE, GROUP BY and ORDER BY; its source must be one
// of Tally's scope CTEs (or `aggregates` keyed by customer_id); no subquery, join, ARRAY JOIN,
// window function, DISTINCT, LIMIT, HAVING, totals/rollup/cube, or function that sees rows in
// blocks (their answer depends on which other customers' rows share a block); and it must
// aggregate (a GROUP BY, or an aggregate function in the projection). Everything else keeps
// the per-customer form. Where the text is edited is read from ClickHouse's own
// re-serialisation (one clause keyword per line at column 1, verified against the tree's
// clauses), and the edited statement goes through every wall again (runSandboxed.ts).
//
// A customer without rows is absent from the grouped result. With a GROUP BY that is also what
// the per-customer form returns (no rows). Without one, the per-customer form returns one row
// computed over no rows, the same for every customer (the projection may not name
// `{customer_id:String}`): the caller runs the per-customer form once and reuses it.
import { isKeyword, significant, type Token } from './lexer.ts'
import { parsePlaceholder } from './parameters.ts'
import type { TreeNode } from './queryTree.ts'
import type { ScannedTemplate, TextEdit } from './templateScan.ts'
import { RESERVED_PREFIX } from './textWalls.ts'

/** The column of every scope row naming its customer, in the grouped form. */
export const GROUP_COLUMN = `${RESERVED_PREFIX}_group`

export type GroupedPlan =
  | {
      ok: true
      /** Edits to the canonical text (with rewriteTemplate's own scope renames). */
      edits: TextEdit[]
      /** No GROUP BY: a customer without rows still gets one row, the same for all (see above). */
      scalar: boolean
    }
  | { ok: false; reason: string }

/** Sections a qualifying template's query node may have. */
const SECTIONS = new Set(['PROJECTION COLUMNS', 'PROJECTION', 'JOIN TREE', 'WHERE', 'GROUP BY', 'ORDER BY'])
/** Attributes of that node: anything else (is_distinct, is_group_by_with_totals, …) changes rows. */
const NODE_ATTRIBUTES = new Set(['alias', 'is_subquery'])
/** Clause keywords the re-serialisation may start a line with. */
const CLAUSES = new Set(['SELECT', 'FROM', 'WHERE', 'GROUP', 'ORDER'])
/**
 * NOTE: functions whose answer depends on the block a row is read in, or on the rows before it
 * in the stream: grouped, other customers' rows share the block.
 */
const BLOCK_FUNCTIONS = new Set(
  [
    'rowNumberInBlock',
    'rowNumberInAllBlocks',
    'blockNumber',
    'blockSize',
    'blockSerializedSize',
    'runningDifference',
    'runningDifferenceStartingWithFirstValue',
    'runningAccumulate',
    'runningConcurrency',
    'neighbor',
  ].map((n) => n.toLowerCase()),
)

const QUERY_NODES = new Set(['QUERY', 'UNION', 'TABLE', 'TABLE_FUNCTION', 'JOIN', 'ARRAY_JOIN', 'CROSS_JOIN'])

const section = (node: TreeNode, name: string) => node.children.find((c) => c.kind === name)

/**
 * The template's query node in the tree of composeCustomerQuery's statement for ONE customer:
 * `SELECT * FROM (SELECT 0 AS __tally_customer, * FROM (WITH scope SELECT * FROM (template)))`.
 */
export function templateNode(tree: TreeNode): TreeNode | undefined {
  let node = tree.children.find((c) => c.kind === 'QUERY')
  for (let depth = 0; depth < 3 && node !== undefined; depth++) {
    const join = section(node, 'JOIN TREE')
    node = join?.children.length === 1 && join.children[0]!.kind === 'QUERY' ? join.children[0] : undefined
  }
  return node
}

function nodes(node: TreeNode, out: TreeNode[] = []): TreeNode[] {
  out.push(node)
  for (const c of node.children) nodes(c, out)
  return out
}

/** Why the analysed template cannot be grouped, or null when it can. */
function treeProblem(template: TreeNode, sources: ReadonlySet<string>): string | null {
  const attrs = Object.keys(template.attrs).filter((k) => !NODE_ATTRIBUTES.has(k))
  if (attrs.length > 0) return `the query is ${attrs.join(', ')}`
  const other = template.children.find((c) => !SECTIONS.has(c.kind))
  if (other !== undefined) return `the query has ${other.kind}`
  const join = section(template, 'JOIN TREE')
  const source = join?.children.length === 1 ? join.children[0]! : undefined
  if (source?.kind !== 'QUERY' || !sources.has(source.attrs.cte_name ?? '')) return 'the query does not read one source directly'
  const own = template.children.filter((c) => c !== join).flatMap((c) => nodes(c))
  if (own.some((n) => QUERY_NODES.has(n.kind))) return 'the query has a subquery or reads a table outside FROM'
  if (own.some((n) => n.kind === 'SORT' && n.attrs.with_fill !== '0')) return 'ORDER BY … WITH FILL adds rows'
  const functions = own.filter((n) => n.kind === 'FUNCTION')
  if (functions.some((f) => f.attrs.function_type === 'window')) return 'the query has a window function'
  const blockwise = functions.find((f) => BLOCK_FUNCTIONS.has((f.attrs.function_name ?? '').toLowerCase()))
  if (blockwise !== undefined) return `${blockwise.attrs.function_name}() sees other rows of its block`
  const projection = section(template, 'PROJECTION')
  const aggregates = projection !== undefined && nodes(projection).some((n) => n.kind === 'FUNCTION' && n.attrs.function_type === 'aggregate')
  if (section(template, 'GROUP BY') === undefined && !aggregates) return 'the query does not aggregate'
  return null
}

/** The token starting each top-level clause line of the re-serialisation. */
function clauseStarts(sig: readonly Token[]): Token[] | null {
  const out: Token[] = []
  let depth = 0
  for (const t of sig) {
    if (t.kind === 'punct' && t.text === '(') depth++
    if (t.kind === 'punct' && t.text === ')') depth--
    if (depth !== 0 || t.column !== 1) continue
    if (t.kind !== 'word' || !CLAUSES.has(t.text.toUpperCase())) return null
    out.push(t)
  }
  return out
}

/**
 * How to group `canonical` (the re-serialised customer query): `tree` is the analysed
 * per-customer composition for one customer (runSandboxed.ts's check), `sources` the CTE names
 * the template may read from when grouped.
 */
export function groupedTemplate(canonical: ScannedTemplate, tree: TreeNode, sources: ReadonlySet<string>): GroupedPlan {
  const template = templateNode(tree)
  if (template === undefined) return { ok: false, reason: 'the composition is not the per-customer form' }
  const problem = treeProblem(template, sources)
  if (problem !== null) return { ok: false, reason: problem }
  const sig = significant(canonical.tokens)
  const starts = clauseStarts(sig)
  if (starts === null || !isKeyword(starts[0], 'SELECT') || starts[0] !== sig[0]) return { ok: false, reason: 'unexpected layout' }
  const clause = (word: string) => starts.find((t) => isKeyword(t, word))
  const from = clause('FROM')
  const group = clause('GROUP')
  // The clauses the tree names must be the lines the text has: the edits below rely on it.
  const sameClauses = (['WHERE', 'GROUP BY', 'ORDER BY'] as const).every(
    (s) => (section(template, s) !== undefined) === (clause(s.split(' ')[0]!) !== undefined),
  )
  if (from === undefined || !sameClauses || starts.length !== new Set(starts.map((t) => t.text.toUpperCase())).size) {
    return { ok: false, reason: 'the text does not match the analysed clauses' }
  }
  const afterBy = group === undefined ? undefined : sig[sig.indexOf(group) + 2]
  if (afterBy !== undefined && isKeyword(afterBy, 'ALL')) return { ok: false, reason: 'GROUP BY ALL' }
  const endOf = (start: Token | undefined) => {
    const next = starts.find((t) => start !== undefined && t.start > start.start)
    const last = next === undefined ? sig[sig.length - 1]! : sig[sig.indexOf(next) - 1]!
    return last.end
  }
  const previous = sig[sig.indexOf(from) - 1]!
  const edits: TextEdit[] = [{ start: previous.end, end: previous.end, text: `, ${GROUP_COLUMN}` }]
  edits.push(
    group === undefined
      ? { start: endOf(clause('WHERE') ?? from), end: endOf(clause('WHERE') ?? from), text: `\nGROUP BY ${GROUP_COLUMN}` }
      : { start: endOf(group), end: endOf(group), text: `, ${GROUP_COLUMN}` },
  )
  for (const t of sig) {
    if (t.kind !== 'param' || parsePlaceholder(t.text)?.name !== 'customer_id') continue
    // In the projection it would name a result column (and be one row's answer for a customer
    // without rows): the per-customer form keeps its own column names.
    if (t.start < from.start) return { ok: false, reason: 'the projection names {customer_id:String}' }
    edits.push({ start: t.start, end: t.end, text: GROUP_COLUMN })
  }
  return { ok: true, edits, scalar: group === undefined }
}
