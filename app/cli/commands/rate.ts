import type { RatingSummary } from '../../../rating/execute/ratingRun.ts'
import type { Command } from '../command.ts'
import { required, UsageError } from '../command.ts'
import { progress, table } from '../output.ts'
import { withApi } from './withApi.ts'

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
    const s = await withApi(ctx, (api) => api.call<RatingSummary>('POST', '/v1/rating/runs', { org, body }))
    bar.done(`rated ${s.contractsRated} of ${s.contracts} contracts as of ${s.asOf} (${s.metricRuns} metric runs)`)
    ctx.out(
      `invoices: ${s.invoices.created} drafted, ${s.invoices.updated} re-rated, ${s.invoices.unchanged} unchanged, ${s.invoices.finalized} finalized, ${s.invoices.alreadyFinal} already final`,
    )
    ctx.out(
      table(
        Object.entries(s.totals).map(([currency, total]) => ({ currency, total })),
        ['currency', 'total'],
      ),
    )
    for (const a of s.adjustments) ctx.out(`late usage: contract ${a.contractId} ${a.product} ${a.delta} ${a.currency} billed as an adjustment`)
    if (s.skipped.length > 0)
      ctx.out(`skipped:\n${table(s.skipped.map((k) => ({ contract: k.contractId, billing_date: k.billingDate ?? '', reason: k.reason })))}`)
  },
}
