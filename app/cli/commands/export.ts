// `tally export journals|netsuite`: a month's files for a general ledger without API access —
// every journal line as CSV or JSON, or a NetSuite CSV import file (journal or invoice layout).
// Written to --out FILE, or to stdout byte for byte (CRLF rows kept), so `> file` is the file.
import { writeFile } from 'node:fs/promises'
import type { Command, CommandContext } from '../command.ts'
import { required } from '../command.ts'
import { withApi } from './withApi.ts'

/** Downloads `path?query` for --org and writes it to --out or stdout, exactly as the API answered. */
async function exportTo(ctx: CommandContext, path: string, query: Record<string, string | undefined>): Promise<void> {
  const org = required(ctx, 'org')
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined))
  const { bytes } = await withApi(ctx, (api) => api.download(`${path}?${params}`, { org }))
  const out = ctx.values.out
  if (typeof out === 'string' && out !== '') {
    await writeFile(out, bytes)
    ctx.out(`Wrote ${out} (${bytes.length} bytes)`)
    return
  }
  // ctx.out ends the text with "\n": the file's own last "\n" is dropped so the bytes match.
  ctx.out(new TextDecoder().decode(bytes).replace(/\n$/, ''))
}

const flag = (ctx: CommandContext, name: string) => ctx.values[name] as string | undefined

export const exportJournalsCommand: Command = {
  path: ['export', 'journals'],
  summary: 'Every journal line of a month (accounting date) as CSV or JSON, for a general ledger without API sync',
  usage: '--org ORG_ID --period YYYY-MM [--format csv|json] [--out FILE]   (default: CSV to stdout)',
  example: 'tally export journals --org $ORG --period 2026-11 --format csv > journals-2026-11.csv',
  options: { org: { type: 'string' }, period: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  run: (ctx) => exportTo(ctx, '/v1/accounting/exports/journals', { period: required(ctx, 'period'), format: flag(ctx, 'format') ?? 'csv' }),
}

export const exportNetSuiteCommand: Command = {
  path: ['export', 'netsuite'],
  summary:
    "A NetSuite CSV import file of a month: journal entries or invoices, one row per line, each document's External ID on its rows (named by a NetSuite connection's internal ids with --connection)",
  usage:
    '--org ORG_ID --layout journal|invoice --period YYYY-MM [--connection ID | --subsidiary NAME] [--date-format MM/DD/YYYY|DD/MM/YYYY|YYYY-MM-DD] [--out FILE]',
  example: 'tally export netsuite --org $ORG --layout invoice --period 2026-11 --subsidiary "Parent Co" > invoices-2026-11.csv',
  options: {
    org: { type: 'string' },
    layout: { type: 'string' },
    period: { type: 'string' },
    connection: { type: 'string' },
    subsidiary: { type: 'string' },
    'date-format': { type: 'string' },
    out: { type: 'string' },
  },
  run: (ctx) =>
    exportTo(ctx, '/v1/accounting/exports/netsuite-csv', {
      layout: required(ctx, 'layout'),
      period: required(ctx, 'period'),
      connection: flag(ctx, 'connection'),
      subsidiary: flag(ctx, 'subsidiary'),
      date_format: flag(ctx, 'date-format'),
    }),
}
