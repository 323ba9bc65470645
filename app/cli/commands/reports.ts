// `tally reports trial-balance|deferred-revenue|revenue|ar-aging`: the accounting reports as a
// table, or with --csv the API's CSV (a header row, then the rows; one line each).
import type { z } from 'zod'
import type { arAgingJson, revenueJson, trialBalanceJson, waterfallJson } from '../../../ledger/http/accountingSchemas.ts'
import type { Command, CommandContext } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

/** Reads the report at `path` with `query`: prints its CSV with --csv, else `render` of its JSON. */
async function report<T>(ctx: CommandContext, path: string, query: Record<string, string | undefined>, render: (body: T) => string): Promise<void> {
  const org = required(ctx, 'org')
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined))
  if (ctx.values.csv === true) {
    params.set('format', 'csv')
    const { bytes } = await withApi(ctx, (api) => api.download(`${path}?${params}`, { org }))
    // The API's CRLF rows (RFC 4180) as the terminal's lines.
    ctx.out(new TextDecoder().decode(bytes).replace(/\r\n/g, '\n').replace(/\n$/, ''))
    return
  }
  const suffix = params.size === 0 ? '' : `?${params}`
  ctx.out(render(await withApi(ctx, (api) => api.call<T>('GET', `${path}${suffix}`, { org }))))
}

const flag = (ctx: CommandContext, name: string) => ctx.values[name] as string | undefined

export const trialBalanceCommand: Command = {
  path: ['reports', 'trial-balance'],
  summary: 'Debits, credits and balance per account and currency as of a date (default today); balances sum to zero per currency',
  usage: '--org ORG_ID [--as-of YYYY-MM-DD] [--csv]',
  example: 'tally reports trial-balance --org $ORG --as-of 2026-11-30',
  options: { org: { type: 'string' }, 'as-of': { type: 'string' }, csv: { type: 'boolean' } },
  run: (ctx) =>
    report<z.infer<typeof trialBalanceJson>>(ctx, '/v1/accounting/reports/trial-balance', { as_of: flag(ctx, 'as-of') }, (b) =>
      table(b.data, ['account', 'name', 'type', 'currency', 'debits', 'credits', 'balance'], { right: ['debits', 'credits', 'balance'] }),
    ),
}

export const deferredRevenueCommand: Command = {
  path: ['reports', 'deferred-revenue'],
  summary: 'The deferred revenue waterfall: a row per revenue schedule, a column per month, a total row per currency',
  usage: '--org ORG_ID [--from YYYY-MM] [--to YYYY-MM] [--csv]',
  example: 'tally reports deferred-revenue --org $ORG --from 2026-01 --to 2026-12',
  options: { org: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'boolean' } },
  run: (ctx) =>
    report<z.infer<typeof waterfallJson>>(ctx, '/v1/accounting/reports/deferred-revenue', { from: flag(ctx, 'from'), to: flag(ctx, 'to') }, (b) => {
      const amounts = ['amount', 'recognised', 'deferred', ...b.months]
      const amountsOf = (r: (typeof b.totals)[number]) => ({
        currency: r.currency,
        amount: r.amount,
        recognised: r.recognised,
        deferred: r.deferred,
        ...r.months,
      })
      const rows = [
        ...b.data.map((r) => ({ schedule: r.schedule_id, product: r.product ?? '', method: r.method, ...amountsOf(r) })),
        ...b.totals.map((t) => ({ schedule: 'total', ...amountsOf(t) })),
      ]
      return table(rows, ['schedule', 'product', 'method', 'currency', ...amounts], { right: amounts })
    }),
}

export const revenueCommand: Command = {
  path: ['reports', 'revenue'],
  summary: 'Revenue by product, customer or month: revenue account credits minus debits posted in [from, to], per currency',
  usage: '--org ORG_ID --from YYYY-MM-DD --to YYYY-MM-DD [--group-by product|customer|month] [--csv]',
  example: 'tally reports revenue --org $ORG --from 2026-01-01 --to 2026-12-31 --group-by month',
  options: { org: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'group-by': { type: 'string' }, csv: { type: 'boolean' } },
  run: (ctx) =>
    report<z.infer<typeof revenueJson>>(
      ctx,
      '/v1/accounting/reports/revenue',
      { from: required(ctx, 'from'), to: required(ctx, 'to'), group_by: flag(ctx, 'group-by') },
      (b) =>
        table(
          b.data.map((r) => ({ [b.group_by]: r.group ?? '(none)', name: r.name ?? '', currency: r.currency, revenue: r.revenue })),
          [b.group_by, 'name', 'currency', 'revenue'],
          { right: ['revenue'] },
        ),
    ),
}

export const arAgingCommand: Command = {
  path: ['reports', 'ar-aging'],
  summary: 'Accounts receivable aging as of a date (default today): open balances per customer and currency by days past due',
  usage: '--org ORG_ID [--as-of YYYY-MM-DD] [--csv]',
  example: 'tally reports ar-aging --org $ORG --as-of 2026-11-30 --csv',
  options: { org: { type: 'string' }, 'as-of': { type: 'string' }, csv: { type: 'boolean' } },
  run: (ctx) =>
    report<z.infer<typeof arAgingJson>>(ctx, '/v1/accounting/reports/ar-aging', { as_of: flag(ctx, 'as-of') }, (b) => {
      const buckets = ['current', '1-30', '31-60', '61-90', '90+', 'total']
      const rows = b.data.map((r) => ({
        customer: r.customer,
        currency: r.currency,
        current: r.current,
        '1-30': r.days_1_30,
        '31-60': r.days_31_60,
        '61-90': r.days_61_90,
        '90+': r.days_over_90,
        total: r.total,
      }))
      return table(rows, ['customer', 'currency', ...buckets], { right: buckets })
    }),
}
