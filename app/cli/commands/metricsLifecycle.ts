// `tally metrics archive|delete NAME`: the end of a billable metric. Archive keeps every version
// readable for invoice lines; delete refuses (409 billable_metric_in_use) while a product uses it.
import type { Command } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { withApi } from './withApi.ts'

export const metricsArchiveCommand: Command = {
  path: ['metrics', 'archive'],
  summary: 'Archive a metric: hidden from lists, refused for new plans and contracts, versions kept',
  usage: 'NAME --org ORG_ID',
  example: 'tally metrics archive api_call_count --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the metric name, e.g. `tally metrics archive api_calls --org ...`')
    const res = await withApi(ctx, (api) => api.call<{ archived_at: string }>('POST', `/v1/billable-metrics/${encodeURIComponent(name)}/archive`, { org }))
    ctx.out(`Archived ${name} at ${res.archived_at}.`)
  },
}

export const metricsDeleteCommand: Command = {
  path: ['metrics', 'delete'],
  summary: 'Delete a metric no product uses, with all its versions',
  usage: 'NAME --org ORG_ID',
  example: 'tally metrics delete api_call_count --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the metric name, e.g. `tally metrics delete api_calls --org ...`')
    await withApi(ctx, (api) => api.call('DELETE', `/v1/billable-metrics/${encodeURIComponent(name)}`, { org }))
    ctx.out(`Deleted ${name}.`)
  },
}
