// `tally metrics …`: billable metrics whose SQL lives in files (so templates can live in git),
// through the HTTP API like every other command.
import { readFileSync } from 'node:fs'
import type { Command, CommandContext } from '../command.ts'
import { required, requiredArgument, UsageError } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface VersionView {
  name: string
  version: number
  unit: string
  description: string | null
  mode: string
  raw_metrics: string[]
  aggregate_query: string | null
  customer_query: string
  dimensions: string[]
  parameters: Array<{ name: string; type: string; default: string }>
  created_at: string
}

interface Issue {
  query: 'aggregate_query' | 'customer_query'
  code: string
  message: string
  line?: number
  column?: number
}

const definitionOptions = {
  org: { type: 'string' },
  unit: { type: 'string' },
  description: { type: 'string' },
  'raw-metric': { type: 'string', multiple: true },
  'customer-query': { type: 'string' },
  'aggregate-query': { type: 'string' },
  dimension: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  builder: { type: 'string' },
} as const

const definitionUsage =
  '--org ORG_ID --unit UNIT (--raw-metric NAME ... --customer-query FILE.sql [--aggregate-query FILE.sql] [--dimension COL ...] [--param NAME:TYPE=DEFAULT ...] | --builder FILE.json) [--description TEXT]'

function list(ctx: CommandContext, flag: string): string[] {
  return (ctx.values[flag] as unknown as string[] | undefined) ?? []
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
}

/** The request body of a metric version, from flags and files. */
function definition(ctx: CommandContext): Record<string, unknown> {
  const unit = required(ctx, 'unit')
  const description = ctx.values.description
  const base = { unit, ...(typeof description === 'string' ? { description } : {}) }
  const builder = ctx.values.builder
  if (typeof builder === 'string') {
    if (ctx.values['customer-query'] !== undefined) throw new UsageError('give either --builder or --customer-query, not both')
    let spec: unknown
    try {
      spec = JSON.parse(readFile(builder))
    } catch (err) {
      if (err instanceof UsageError) throw err
      throw new UsageError(`${builder} is not JSON: ${(err as Error).message}`)
    }
    return { ...base, mode: 'builder', builder: spec }
  }
  const customer = ctx.values['customer-query']
  if (typeof customer !== 'string') throw new UsageError('--customer-query FILE.sql (or --builder FILE.json) is required')
  const rawMetrics = list(ctx, 'raw-metric')
  if (rawMetrics.length === 0) throw new UsageError('--raw-metric is required: name each raw metric the SQL reads as raw.<name>')
  const aggregate = ctx.values['aggregate-query']
  const parameters = list(ctx, 'param').map((p) => {
    const m = /^([a-z][a-z0-9_]*):([^=]+)=(.*)$/s.exec(p)
    if (m === null) throw new UsageError(`--param ${p}: write NAME:TYPE=DEFAULT, e.g. region:String=eu`)
    return { name: m[1], type: m[2], default: m[3] }
  })
  return {
    ...base,
    mode: 'sql',
    raw_metrics: rawMetrics,
    customer_query: readFile(customer),
    ...(typeof aggregate === 'string' ? { aggregate_query: readFile(aggregate) } : {}),
    ...(list(ctx, 'dimension').length > 0 ? { dimensions: list(ctx, 'dimension') } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
  }
}

/** `customer.sql:3:7: syntax_error: …`, the shape editors and CI logs link to. */
function issueLine(ctx: CommandContext, issue: Issue): string {
  const file = issue.query === 'customer_query' ? ctx.values['customer-query'] : ctx.values['aggregate-query']
  const where = [typeof file === 'string' ? file : issue.query, issue.line, issue.column].filter((x) => x !== undefined).join(':')
  return `${where}: ${issue.code}: ${issue.message}`
}

export const metricsCreateCommand: Command = {
  path: ['metrics', 'create'],
  summary: 'Create a billable metric from SQL files or a builder spec (--new-version edits an existing one)',
  usage: `NAME ${definitionUsage} [--new-version]`,
  example: 'tally metrics create api_call_count --org $ORG --unit call --raw-metric api_calls --customer-query count.sql',
  options: { ...definitionOptions, 'new-version': { type: 'boolean' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the metric name, e.g. `tally metrics create api_calls --org ...`')
    const body = definition(ctx)
    const edit = ctx.values['new-version'] === true
    const v = await withApi(ctx, (api) =>
      edit
        ? api.call<VersionView>('POST', `/v1/billable-metrics/${encodeURIComponent(name)}/versions`, { org, body })
        : api.call<VersionView>('POST', '/v1/billable-metrics', { org, body: { name, ...body } }),
    )
    ctx.out(`${edit ? 'Stored' : 'Created'} ${v.name} version ${v.version} (${v.mode}, unit ${v.unit}).`)
  },
}

export const metricsValidateCommand: Command = {
  path: ['metrics', 'validate'],
  summary: 'Validate metric SQL files or a builder spec without storing; exits 1 when invalid',
  usage: definitionUsage,
  example: 'tally metrics validate --org $ORG --unit call --raw-metric api_calls --customer-query count.sql',
  options: definitionOptions,
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = definition(ctx)
    const res = await withApi(ctx, (api) =>
      api.call<{ valid: boolean; issues: Issue[]; generated: { customer_query: string }; columns: Array<{ name: string; type: string }> }>(
        'POST',
        '/v1/billable-metrics/validate',
        { org, body },
      ),
    )
    if (body.mode === 'builder') ctx.out(`Generated SQL:\n${res.generated.customer_query}\n`)
    if (res.valid) {
      ctx.out(`Valid. Columns: ${res.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`)
      return 0
    }
    for (const issue of res.issues) ctx.out(issueLine(ctx, issue))
    return 1
  },
}

export const metricsPreviewCommand: Command = {
  path: ['metrics', 'preview'],
  summary: 'Run a stored metric for one customer (--customer) or every customer with events in the period',
  usage: 'NAME --org ORG_ID --from DATE --to DATE [--customer ID] [--version N] [--param NAME=VALUE ...] [--max-customers N]',
  example: 'tally metrics preview api_call_count --org $ORG --from 2026-11-01 --to 2026-12-01 --customer acme',
  options: {
    org: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    customer: { type: 'string' },
    version: { type: 'string' },
    param: { type: 'string', multiple: true },
    'max-customers': { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the metric name')
    const parameters = Object.fromEntries(
      list(ctx, 'param').map((p) => {
        const i = p.indexOf('=')
        if (i <= 0) throw new UsageError(`--param ${p}: write NAME=VALUE`)
        return [p.slice(0, i), p.slice(i + 1)]
      }),
    )
    const int = (flag: string) => (typeof ctx.values[flag] === 'string' ? Number.parseInt(ctx.values[flag] as string, 10) : undefined)
    const body = {
      period_start: required(ctx, 'from'),
      period_end: required(ctx, 'to'),
      ...(typeof ctx.values.customer === 'string' ? { customer_id: ctx.values.customer } : {}),
      ...(int('version') !== undefined ? { version: int('version') } : {}),
      ...(int('max-customers') !== undefined ? { max_customers: int('max-customers') } : {}),
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    }
    const res = await withApi(ctx, (api) =>
      api.call<{
        version: number
        customers: Array<{ customer_id: string; quantity: string; rows: Array<Record<string, unknown>> }>
        truncated: boolean
        stats: { queries: number; rows_read: number; bytes_read: number; elapsed_ms: number }
      }>('POST', `/v1/billable-metrics/${encodeURIComponent(name)}/preview`, { org, body }),
    )
    const rows = res.customers.flatMap((c) =>
      c.rows.length <= 1 ? [{ customer_id: c.customer_id, quantity: c.quantity }] : c.rows.map((r) => ({ customer_id: c.customer_id, ...r })),
    )
    ctx.out(table(rows))
    ctx.out(
      `\n${name} v${res.version}: ${res.customers.length} customer(s)${res.truncated ? ' (truncated)' : ''}, ` +
        `${res.stats.rows_read} rows read, ${res.stats.bytes_read} bytes, ${res.stats.queries} queries, ${res.stats.elapsed_ms} ms`,
    )
  },
}

export const metricsListCommand: Command = {
  path: ['metrics', 'list'],
  summary: "List an organisation's billable metrics",
  usage: '--org ORG_ID',
  example: 'tally metrics list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: Array<Record<string, unknown>> }>('GET', '/v1/billable-metrics', { org }))
    ctx.out(table(res.data, ['name', 'latest_version', 'mode', 'unit', 'updated_at']))
  },
}

export const metricsShowCommand: Command = {
  path: ['metrics', 'show'],
  summary: 'Show a metric version and its SQL, every version (--versions), or a diff (--diff 1..2)',
  usage: 'NAME --org ORG_ID [--version N | --versions | --diff FROM..TO]',
  example: 'tally metrics show api_call_count --org $ORG --diff 1..2',
  options: { org: { type: 'string' }, version: { type: 'string' }, versions: { type: 'boolean' }, diff: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the metric name')
    const path = `/v1/billable-metrics/${encodeURIComponent(name)}`
    if (typeof ctx.values.diff === 'string') {
      const m = /^(\d+)\.\.(\d+)$/.exec(ctx.values.diff)
      if (m === null) throw new UsageError('--diff FROM..TO, e.g. --diff 1..2')
      const res = await withApi(ctx, (api) =>
        api.call<{ changes: Array<{ field: string; from: unknown; to: unknown; diff?: string[] }> }>('GET', `${path}/diff?from=${m[1]}&to=${m[2]}`, { org }),
      )
      if (res.changes.length === 0) ctx.out('No changes.')
      for (const c of res.changes) {
        ctx.out(`${c.field}:`)
        ctx.out(c.diff ? c.diff.join('\n') : `- ${JSON.stringify(c.from)}\n+ ${JSON.stringify(c.to)}`)
      }
      return
    }
    if (ctx.values.versions === true) {
      const res = await withApi(ctx, (api) => api.call<{ data: VersionView[] }>('GET', `${path}/versions`, { org }))
      ctx.out(table(res.data.map((v) => ({ version: v.version, mode: v.mode, unit: v.unit, created_at: v.created_at }))))
      return
    }
    const q = typeof ctx.values.version === 'string' ? `?version=${encodeURIComponent(ctx.values.version)}` : ''
    const v = await withApi(ctx, (api) => api.call<VersionView>('GET', `${path}${q}`, { org }))
    ctx.out(`${v.name} version ${v.version} · ${v.mode} · unit ${v.unit} · raw metrics ${v.raw_metrics.join(', ')}`)
    if (v.description) ctx.out(v.description)
    if (v.dimensions.length > 0) ctx.out(`dimensions: ${v.dimensions.join(', ')}`)
    for (const p of v.parameters) ctx.out(`parameter {${p.name}:${p.type}} default ${p.default}`)
    if (v.aggregate_query !== null) ctx.out(`\n-- aggregate query\n${v.aggregate_query}`)
    ctx.out(`\n-- customer query\n${v.customer_query}`)
  },
}
