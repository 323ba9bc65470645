// `tally accounts list|create|map`, `tally journal`, `tally close` and `tally reopen`: the chart
// of accounts, an invoice's journal trail and accounting periods, over the /v1/accounting API.
import type { z } from 'zod'
import type { accountJson, accountListJson, closeJson, journalListJson, periodJson, productMappingJson } from '../../../ledger/http/accountingSchemas.ts'
import type { Command, CommandContext } from '../command.ts'
import { required, UsageError } from '../command.ts'
import { counted, table } from '../output.ts'
import { withApi } from './withApi.ts'

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

function period(ctx: CommandContext): string {
  const value = required(ctx, 'period')
  if (!MONTH.test(value)) throw new UsageError(`--period is a month such as 2026-11, got "${value}"`)
  return value
}

export const accountsListCommand: Command = {
  path: ['accounts', 'list'],
  summary: "List the organisation's chart of accounts (default accounts are listed before their first posting seeds them) and its product revenue accounts",
  usage: '--org ORG_ID',
  example: 'tally accounts list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof accountListJson>>('GET', '/v1/accounting/accounts', { org }))
    ctx.out(table(res.data, ['code', 'name', 'type', 'role']))
    if (res.product_revenue_accounts.length > 0) ctx.out(`\nProducts with their own revenue account:\n${table(res.product_revenue_accounts)}`)
  },
}

export const accountsCreateCommand: Command = {
  path: ['accounts', 'create'],
  summary: 'Add an account to the chart (type asset, liability, revenue, contra_revenue or expense; optionally the role the posting rules use it for)',
  usage: '--org ORG_ID --code CODE --name NAME --type TYPE [--role ROLE]',
  example: 'tally accounts create --org $ORG --code 4050 --name "Support revenue" --type revenue --role revenue_subscription',
  options: { org: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, role: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = { code: required(ctx, 'code'), name: required(ctx, 'name'), type: required(ctx, 'type'), role: ctx.values.role ?? null }
    const a = await withApi(ctx, (api) => api.call<z.infer<typeof accountJson>>('POST', '/v1/accounting/accounts', { org, body }))
    ctx.out(`Created account ${a.code} ${a.name} (${a.type}${a.role === null ? '' : `, role ${a.role}`})`)
  },
}

export const accountsMapCommand: Command = {
  path: ['accounts', 'map'],
  summary: "Map a product to the revenue account its lines credit (and optionally its recognition method); replaces the product's mapping",
  usage: '--org ORG_ID --product PRODUCT_ID --account CODE [--method ratable_daily|ratable_monthly|point_in_time|usage] [--accrue-usage]',
  example: 'tally accounts map --org $ORG --product $PRODUCT --account 4050 --method ratable_daily',
  options: {
    org: { type: 'string' },
    product: { type: 'string' },
    account: { type: 'string' },
    method: { type: 'string' },
    'accrue-usage': { type: 'boolean' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const product = required(ctx, 'product')
    const body = { account_code: required(ctx, 'account'), method: ctx.values.method ?? null, accrue_usage: ctx.values['accrue-usage'] === true }
    const path = `/v1/accounting/products/${encodeURIComponent(product)}/revenue-account`
    const m = await withApi(ctx, (api) => api.call<z.infer<typeof productMappingJson>>('PUT', path, { org, body }))
    const how = `${m.method === null ? '' : `, recognised ${m.method}`}${m.accrue_usage ? ', usage accrued as consumed' : ''}`
    ctx.out(`Product ${m.product_id} now posts its revenue to ${m.account_code}${how}`)
  },
}

export const journalCommand: Command = {
  path: ['journal'],
  summary: "Show an invoice's journal trail: every entry naming it, line by line, in posting order",
  usage: '--org ORG_ID --invoice INVOICE_ID',
  example: 'tally journal --org $ORG --invoice $INVOICE_ID',
  options: { org: { type: 'string' }, invoice: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const path = `/v1/invoices/${encodeURIComponent(required(ctx, 'invoice'))}/journal`
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof journalListJson>>('GET', path, { org }))
    const rows = res.data.flatMap((e) =>
      e.lines.map((l) => ({
        posted_on: e.posted_on,
        source: e.source_kind,
        account: l.account,
        debit: l.side === 'debit' ? l.amount : '',
        credit: l.side === 'credit' ? l.amount : '',
        currency: l.currency,
        memo: l.memo ?? e.memo,
      })),
    )
    ctx.out(table(rows, ['posted_on', 'source', 'account', 'debit', 'credit', 'currency', 'memo'], { right: ['debit', 'credit'] }))
  },
}

export const closeCommand: Command = {
  path: ['close'],
  summary:
    'Close a month that has ended: accrue usage consumed and not invoiced yet (products mapped with --accrue-usage), post its revenue recognition, then lock it (later entries dated into it post into the next open month)',
  usage: '--org ORG_ID --period YYYY-MM',
  example: 'tally close --org $ORG --period 2026-11',
  options: { org: { type: 'string' }, period: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const month = period(ctx)
    const s = await withApi(ctx, (api) => api.call<z.infer<typeof closeJson>>('POST', `/v1/accounting/periods/${month}/close`, { org }))
    const listed = (byCurrency: Record<string, string>) => {
      const amounts = Object.entries(byCurrency).map(([currency, amount]) => `${amount} ${currency}`)
      return amounts.length === 0 ? '' : ` (${amounts.join(', ')})`
    }
    ctx.out(
      `${s.already_closed ? 'Already closed' : 'Closed'} ${s.period}: ${counted(s.recognised_lines, 'schedule line')} recognised in ${counted(s.entries_posted, 'entry', 'entries')}` +
        listed(s.recognised) +
        (s.accruals_posted === 0 ? '' : `; usage accrued in ${counted(s.accruals_posted, 'entry', 'entries')}${listed(s.accrued)}`),
    )
  },
}

export const reopenCommand: Command = {
  path: ['reopen'],
  summary: 'Reopen a closed month, saying why (recorded with who and when)',
  usage: '--org ORG_ID --period YYYY-MM --reason TEXT',
  example: 'tally reopen --org $ORG --period 2026-11 --reason "late usage from a backfilled source"',
  options: { org: { type: 'string' }, period: { type: 'string' }, reason: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const month = period(ctx)
    const body = { reason: required(ctx, 'reason') }
    const p = await withApi(ctx, (api) => api.call<z.infer<typeof periodJson>>('POST', `/v1/accounting/periods/${month}/reopen`, { org, body }))
    ctx.out(`Reopened ${p.period}; close it again with \`tally close --org ${org} --period ${p.period}\``)
  },
}
