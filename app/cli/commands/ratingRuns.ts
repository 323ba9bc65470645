// `tally rating runs`: the history of rating runs (GET /v1/rating/runs, newest first), one line per
// run; `tally rating runs RUN_ID` shows one. What the 03:00 scheduler run did, from a terminal.
import type { z } from 'zod'
import type { ratingRunJson, ratingRunListJson } from '../../../rating/http/ratingRunSchemas.ts'
import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

type RunJson = z.infer<typeof ratingRunJson>

function row(r: RunJson) {
  const c = r.counters
  return {
    id: r.id,
    started: r.started_at,
    trigger: r.trigger,
    by: r.actor,
    status: r.status,
    request: [r.period && `period ${r.period}`, r.contract_id && `contract ${r.contract_id}`].filter(Boolean).join(', '),
    rated: c?.contracts_rated ?? '',
    drafted: c?.invoices_drafted ?? '',
    finalized: c?.invoices_finalized ?? '',
    skipped: c?.skipped ?? '',
    held: c?.held_for_review ?? '',
    error: r.error === null ? '' : `${r.error.code}: ${r.error.message}`,
  }
}

export const ratingRunsCommand: Command = {
  path: ['rating', 'runs'],
  summary: 'Past rating runs, newest first (API, `tally rate` and the scheduler): who, when, status, counters, error',
  usage: '--org ORG_ID [RUN_ID] [--status running|succeeded|failed|abandoned] [--limit N]',
  example: 'tally rating runs --org $ORG --status failed',
  options: { org: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const id = ctx.positionals[0]
    if (id !== undefined) {
      const r = await withApi(ctx, (api) => api.call<RunJson>('GET', `/v1/rating/runs/${encodeURIComponent(id)}`, { org }))
      ctx.out(table([row(r)]))
      return
    }
    const query = new URLSearchParams()
    for (const flag of ['status', 'limit']) if (typeof ctx.values[flag] === 'string') query.set(flag, ctx.values[flag])
    const q = query.size > 0 ? `?${query}` : ''
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof ratingRunListJson>>('GET', `/v1/rating/runs${q}`, { org }))
    ctx.out(table(res.runs.map(row)))
    if (res.next_cursor !== null) ctx.out('(more: raise --limit)')
  },
}
