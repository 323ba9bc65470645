// `tally currencies create|list`: the custom currencies an organisation declares (credits,
// tokens) beside ISO 4217, over POST/GET /v1/currencies.
import type { Command } from '../command.ts'
import { required, UsageError } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface CurrencyView {
  code: string
  name: string
  precision: number
  created_at: string
}

export const currenciesCreateCommand: Command = {
  path: ['currencies', 'create'],
  summary: 'Declare a custom currency (credits, tokens) with its precision; it never changes afterwards',
  usage: '--org ORG_ID --code CODE --name NAME --precision DIGITS   (CODE: A-Z, 0-9, _; not an ISO 4217 code; DIGITS 0-12)',
  example: 'tally currencies create --org $ORG --code CREDITS --name Credits --precision 4',
  options: {
    org: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    precision: { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const given = required(ctx, 'precision')
    // A whole number of digits, never parsed leniently ("4.5", "4abc", "1e1" are refused here).
    if (!/^\d{1,2}$/.test(given)) throw new UsageError(`--precision is a whole number of decimals from 0 to 12, got "${given}"`)
    const body = { code: required(ctx, 'code'), name: required(ctx, 'name'), precision: Number(given) }
    const c = await withApi(ctx, (api) => api.call<CurrencyView>('POST', '/v1/currencies', { org, body }))
    ctx.out(`Declared ${c.code} (${c.name}) with ${c.precision} decimals; customers, plans, contracts and prices of this organisation may now use "${c.code}".`)
  },
}

export const currenciesListCommand: Command = {
  path: ['currencies', 'list'],
  summary: "List an organisation's custom currencies (ISO 4217 currencies need no declaration)",
  usage: '--org ORG_ID',
  example: 'tally currencies list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: CurrencyView[] }>('GET', '/v1/currencies', { org }))
    ctx.out(table(res.data, ['code', 'name', 'precision', 'created_at']))
  },
}
