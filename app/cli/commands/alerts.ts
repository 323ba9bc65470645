// `tally alerts add|list|remove|evaluate`: usage, spend and credit-balance alerts over /v1/alerts
// (rating/http/alertRoutes.ts), fired as alert.fired webhooks. Thresholds stay strings from the
// command line to the ledger.
import type { z } from 'zod'
import type { alertJson, alertListJson, evaluationJson } from '../../../rating/http/alertSchemas.ts'
import type { Command } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

const FLAGS = { customer: 'customer', contract: 'contract_id', metric: 'metric', currency: 'currency', threshold: 'threshold', name: 'name' } as const

export const alertsAddCommand: Command = {
  path: ['alerts', 'add'],
  summary: 'Add an alert: usage (metric quantity this period ≥ N), spend (this period’s invoice before credits ≥ amount) or credit_balance (< amount)',
  usage: '--org ORG_ID --kind usage|spend|credit_balance --customer EXTERNAL_ID --threshold N [--contract ID] [--metric NAME] [--currency CODE] [--name TEXT]',
  example: 'tally alerts add --org $ORG --kind usage --customer acme --contract $CONTRACT --metric api_call_count --threshold 100000',
  options: Object.fromEntries(['org', 'kind', ...Object.keys(FLAGS)].map((flag) => [flag, { type: 'string' as const }])),
  async run(ctx) {
    const org = required(ctx, 'org')
    const body: Record<string, string> = { kind: required(ctx, 'kind'), customer: required(ctx, 'customer'), threshold: required(ctx, 'threshold') }
    for (const [flag, field] of Object.entries(FLAGS)) if (typeof ctx.values[flag] === 'string') body[field] = ctx.values[flag]
    const a = await withApi(ctx, (api) => api.call<z.infer<typeof alertJson>>('POST', '/v1/alerts', { org, body }))
    ctx.out(`Alert ${a.id}: ${a.kind} ${a.kind === 'credit_balance' ? '<' : '≥'} ${a.threshold} for ${a.customer}`)
  },
}

export const alertsListCommand: Command = {
  path: ['alerts', 'list'],
  summary: 'The alerts with the period and value of their last firing',
  usage: '--org ORG_ID',
  example: 'tally alerts list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof alertListJson>>('GET', '/v1/alerts', { org }))
    const rows = res.data.map((a) => ({
      id: a.id,
      kind: a.kind,
      customer: a.customer,
      watches: a.metric ?? a.currency ?? a.contract_id ?? '',
      threshold: a.threshold,
      last_fired: a.firings[0] === undefined ? '' : `${a.firings[0].period}: ${a.firings[0].value}`,
    }))
    ctx.out(table(rows))
  },
}

export const alertsRemoveCommand: Command = {
  path: ['alerts', 'remove'],
  summary: 'Remove an alert (its firings stay)',
  usage: 'ALERT_ID --org ORG_ID',
  example: 'tally alerts remove $ALERT --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the alert id: tally alerts remove ALERT_ID --org ORG_ID')
    const org = required(ctx, 'org')
    await withApi(ctx, (api) => api.call('DELETE', `/v1/alerts/${encodeURIComponent(id)}`, { org }))
    ctx.out(`Removed alert ${id}`)
  },
}

export const alertsEvaluateCommand: Command = {
  path: ['alerts', 'evaluate'],
  summary: "Evaluate the organisation's alerts now (the scheduler does every 5 minutes)",
  usage: '--org ORG_ID',
  example: 'tally alerts evaluate --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const e = await withApi(ctx, (api) => api.call<z.infer<typeof evaluationJson>>('POST', '/v1/alerts/evaluate', { org }))
    ctx.out(`Evaluated ${e.evaluated}, fired ${e.fired}`)
  },
}
