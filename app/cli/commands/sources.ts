// `tally sources add|list|test|discover|add-sync|sync|status|remove`: data-source connections and
// their sync jobs, over /v1/sources. A database connection (with its password) and a job are read
// from JSON files, never from the command line, where a password would sit in the shell history;
// a files connection has no secret and is given by flags (`--kind files --path`).
import type { z } from 'zod'
import type {
  createdSourceJson,
  discoverJson,
  runJson,
  runListJson,
  sourceListJson,
  syncJson,
  syncListJson,
  testJson,
} from '../../../connectors/sources/http/sourceSchemas.ts'
import type { Command, CommandContext } from '../command.ts'
import { required, UsageError } from '../command.ts'
import { table } from '../output.ts'
import { readJsonFile } from '../readJsonFile.ts'
import { withApi } from './withApi.ts'

const sourceOptions = { org: { type: 'string' as const }, source: { type: 'string' as const } }
const sourcePath = (ctx: CommandContext, action = '') => `/v1/sources/${encodeURIComponent(required(ctx, 'source'))}${action}`

function runLine(r: z.infer<typeof runJson>): string {
  const error = r.error === null ? '' : ` — ${r.error.code}: ${r.error.message}`
  return `run ${r.id} ${r.status}${r.full ? ' (full)' : ''}: ${r.rows_read} read, ${r.rows_accepted} accepted, ${r.rows_duplicate} duplicate, ${r.rows_rejected} rejected, ${r.rows_per_second ?? '-'} rows/s, lag ${r.lag_ms ?? '-'} ms, checkpoint ${r.checkpoint_to ?? r.checkpoint_from ?? '-'}${error}`
}

export const sourcesAddCommand: Command = {
  path: ['sources', 'add'],
  summary:
    'Connect a database from a JSON file: kind (postgres|mysql), name, host, port?, database, user, password, or kind clickhouse, name, url (http(s)://host:port), database, user, password (tested first; the password is stored encrypted, never shown); or files (CSV, NDJSON, Parquet under TALLY_SOURCE_FILES_ROOT) by --kind files --path; files in an S3-compatible bucket from a JSON file too: kind files, name, path (s3://bucket/prefix/…), endpoint, region?, access_key_id, secret_access_key (stored encrypted, never shown)',
  usage: '--org ORG_ID (--file SOURCE.json | --kind files --path PATH [--format csv|ndjson|parquet] [--name NAME])',
  example: 'tally sources add --org $ORG --kind files --path "exports/usage/*.parquet" --name usage-exports',
  options: {
    org: { type: 'string' },
    file: { type: 'string' },
    kind: { type: 'string' },
    path: { type: 'string' },
    format: { type: 'string' },
    name: { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = ctx.values['file'] === undefined ? filesBody(ctx) : await readJsonFile(required(ctx, 'file'))
    const s = await withApi(ctx, (api) => api.call<z.infer<typeof createdSourceJson>>('POST', '/v1/sources', { org, body }))
    const where = s.kind === 'files' ? `files ${s.path}` : `${s.kind} ${s.user}@${s.kind === 'clickhouse' ? s.url : `${s.host}:${s.port}`}/${s.database}`
    ctx.out(`Connected ${where} as ${s.id} (${s.test.server_version}, ${s.test.readable_tables} readable table${s.test.readable_tables === 1 ? '' : 's'})`)
  },
}

/** A files connection from the flags: it has no secret, so the command line may carry it. */
function filesBody(ctx: CommandContext): Record<string, unknown> {
  const kind = required(ctx, 'kind')
  if (kind !== 'files')
    throw new UsageError(`--kind ${kind} takes --file SOURCE.json (a database password stays out of the shell history); --kind files takes --path`)
  const path = required(ctx, 'path')
  const format = ctx.values['format']
  const stem =
    path
      .split('/')
      .filter((part) => part !== '' && !/[*?[]/.test(part))
      .pop() ?? 'files'
  const name =
    typeof ctx.values['name'] === 'string'
      ? ctx.values['name']
      : stem
          .replace(/\..*$/, '')
          .replace(/[^A-Za-z0-9_.-]/g, '-')
          .slice(0, 100) || 'files'
  return { kind, name, path, ...(typeof format === 'string' ? { format } : {}) }
}

export const sourcesListCommand: Command = {
  path: ['sources', 'list'],
  summary: 'The source connections (never their passwords)',
  usage: '--org ORG_ID',
  example: 'tally sources list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const { data } = await withApi(ctx, (api) => api.call<z.infer<typeof sourceListJson>>('GET', '/v1/sources', { org }))
    ctx.out(table(data, ['id', 'kind', 'name', 'host', 'port', 'url', 'database', 'user', 'path']))
  },
}

export const sourcesTestCommand: Command = {
  path: ['sources', 'test'],
  summary: 'Check the source is reachable, the credentials work and a READ ONLY transaction reads',
  usage: '--org ORG_ID --source SOURCE_ID',
  example: 'tally sources test --org $ORG --source $SOURCE',
  options: sourceOptions,
  async run(ctx) {
    const t = await withApi(ctx, (api) => api.call<z.infer<typeof testJson>>('POST', sourcePath(ctx, '/test'), { org: required(ctx, 'org') }))
    ctx.out(`OK: ${t.server_version}, read-only transaction, ${t.readable_tables} readable tables`)
  },
}

export const sourcesDiscoverCommand: Command = {
  path: ['sources', 'discover'],
  summary: 'Schemas, tables and columns with their types (and which can be a cursor)',
  usage: '--org ORG_ID --source SOURCE_ID',
  example: 'tally sources discover --org $ORG --source $SOURCE',
  options: sourceOptions,
  async run(ctx) {
    const { tables } = await withApi(ctx, (api) => api.call<z.infer<typeof discoverJson>>('GET', sourcePath(ctx, '/discover'), { org: required(ctx, 'org') }))
    for (const t of tables) ctx.out(`${t.schema}.${t.name}\n${table(t.columns, ['name', 'type', 'cursor'])}\n`)
    if (tables.length === 0) ctx.out('(no tables)')
  },
}

export const sourcesAddSyncCommand: Command = {
  path: ['sources', 'add-sync'],
  summary: 'Create a sync job from a JSON file: name, raw_metric, table or query, mapping, cursor?, schedule? (columns checked against the source)',
  usage: '--org ORG_ID --source SOURCE_ID --file JOB.json',
  example: 'tally sources add-sync --org $ORG --source $SOURCE --file api-calls.json',
  options: { ...sourceOptions, file: { type: 'string' } },
  async run(ctx) {
    const body = await readJsonFile(required(ctx, 'file'))
    const j = await withApi(ctx, (api) => api.call<z.infer<typeof syncJson>>('POST', sourcePath(ctx, '/syncs'), { org: required(ctx, 'org'), body }))
    ctx.out(`Sync job ${j.name} (${j.id}): ${j.table ?? 'query'} → ${j.raw_metric}${j.schedule === null ? '' : `, on ${j.schedule}`}`)
  },
}

export const sourcesSyncCommand: Command = {
  path: ['sources', 'sync'],
  summary: 'Run a sync job now (--full: from the beginning; event ids keep re-read rows from counting twice)',
  usage: '--org ORG_ID --source SOURCE_ID --job SYNC_ID [--full]',
  example: 'tally sources sync --org $ORG --source $SOURCE --job $JOB',
  options: { ...sourceOptions, job: { type: 'string' }, full: { type: 'boolean' } },
  async run(ctx) {
    const path = sourcePath(ctx, `/syncs/${encodeURIComponent(required(ctx, 'job'))}/run`)
    const r = await withApi(ctx, (api) =>
      api.call<z.infer<typeof runJson>>('POST', path, { org: required(ctx, 'org'), body: { full: ctx.values['full'] === true } }),
    )
    ctx.out(runLine(r))
    if (r.rejects.length > 0) ctx.out(`\nRejected rows:\n${table(r.rejects, ['key', 'code', 'field', 'message'])}`)
    return r.status === 'succeeded' ? 0 : 1
  },
}

export const sourcesStatusCommand: Command = {
  path: ['sources', 'status'],
  summary: "The connection's sync jobs with their checkpoints, and their latest runs (rows read, rows/s, lag, rejects)",
  usage: '--org ORG_ID --source SOURCE_ID',
  example: 'tally sources status --org $ORG --source $SOURCE',
  options: sourceOptions,
  async run(ctx) {
    const org = required(ctx, 'org')
    const [jobs, runs] = await withApi(ctx, (api) =>
      Promise.all([
        api.call<z.infer<typeof syncListJson>>('GET', sourcePath(ctx, '/syncs'), { org }),
        api.call<z.infer<typeof runListJson>>('GET', sourcePath(ctx, '/runs'), { org }),
      ]),
    )
    ctx.out(table(jobs.data, ['id', 'name', 'raw_metric', 'schedule', 'checkpoint']))
    for (const r of runs.data.slice(0, 10)) ctx.out(runLine(r))
  },
}

export const sourcesRemoveCommand: Command = {
  path: ['sources', 'remove'],
  summary: 'Delete a source connection with its sync jobs (the events they wrote stay)',
  usage: '--org ORG_ID --source SOURCE_ID',
  example: 'tally sources remove --org $ORG --source $SOURCE',
  options: sourceOptions,
  async run(ctx) {
    await withApi(ctx, (api) => api.call('DELETE', sourcePath(ctx), { org: required(ctx, 'org') }))
    ctx.out(`Deleted source ${required(ctx, 'source')}`)
  },
}
