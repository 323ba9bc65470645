import type { RatingSummaryJson } from '../../../rating/http/billingSchemas.ts'
import type { Command } from '../command.ts'
import { required, UsageError } from '../command.ts'
import { progress, table } from '../output.ts'
import { withApi } from './withApi.ts'
import type { RatingProgressJson } from '../../../rating/http/runProgress.ts'
import { formatRatingProgress, PROGRESS_POLL_MS } from '../ratingProgress.ts'

export const rateCommand: Command = {
  path: ['rate'],
  summary: 'Rate due contract periods now: draft invoices, finalize those past the grace period',
  usage: '--org ORG_ID [--period YYYY-MM | --contract ID | --as-of DATE]',
  example: 'tally rate --org $ORG --period 2026-11',
  options: { org: { type: 'string' }, period: { type: 'string' }, contract: { type: 'string' }, 'as-of': { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const period = ctx.values.period as string | undefined
    if (period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new UsageError('--period is a month, e.g. 2026-10')
    const body = {
      ...(period ? { period } : {}),
      ...(ctx.values.contract ? { contract_id: ctx.values.contract } : {}),
      ...(ctx.values['as-of'] ? { as_of: ctx.values['as-of'] } : {}),
    }
    const bar = progress()
    bar.update('rating…')
    const s = await withApi(ctx, async (api) => {
      // The run's counters while it runs (GET /v1/rating/runs/progress); a failed poll only skips a line.
      const poll = setInterval(() => {
        api
          .call<RatingProgressJson>('GET', '/v1/rating/runs/progress', { org })
          .then((p) => {
            if (p.runs[0] !== undefined) bar.update(formatRatingProgress(p.runs[0]))
          })
          .catch(() => undefined)
      }, PROGRESS_POLL_MS)
      try {
        return await api.call<RatingSummaryJson>('POST', '/v1/rating/runs', { org, body })
      } finally {
        clearInterval(poll)
      }
    })
    bar.done(`rated ${s.contracts_rated} of ${s.contracts} contracts as of ${s.as_of} (${s.metric_runs} metric runs)`)
    ctx.out(
      `invoices: ${s.invoices.created} drafted, ${s.invoices.updated} re-rated, ${s.invoices.unchanged} unchanged, ${s.invoices.finalized} finalized, ${s.invoices.already_final} already final, ${s.invoices.held_for_review} held for review`,
    )
    ctx.out(
      table(
        Object.entries(s.totals).map(([currency, total]) => ({ currency, total })),
        ['currency', 'total'],
      ),
    )
    for (const a of s.adjustments) ctx.out(`late usage: contract ${a.contract_id} ${a.product} ${a.delta} ${a.currency} billed as an adjustment`)
    if (s.unbilled_usage.length > 0)
      ctx.out(
        `late usage no invoice will bill (correct it with a credit note, or void and reissue):\n${table(
          s.unbilled_usage.map((u) => ({
            contract: u.contract_id,
            billing_date: u.billing_date,
            product: u.product,
            metric: `${u.metric} v${u.metric_version}`,
            billed: u.billed_quantity,
            now: u.quantity,
          })),
        )}`,
      )
    if (s.skipped.length > 0)
      ctx.out(`skipped:\n${table(s.skipped.map((k) => ({ contract: k.contract_id, billing_date: k.billing_date ?? '', reason: k.reason })))}`)
  },
}
