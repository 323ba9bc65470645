// `tally usage unbilled`: late usage no invoice will bill, as a rating run would list it now
// (GET /v1/usage/unbilled, nothing written), one row per contract, invoice, product and metric.
import type { z } from 'zod'
import type { unbilledUsageJson } from '../../../rating/http/unbilledUsageRoutes.ts'
import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

export const usageUnbilledCommand: Command = {
  path: ['usage', 'unbilled'],
  summary: 'List late usage no invoice will bill (what a rating run would report now), without writing anything',
  usage: '--org ORG_ID [--customer CUSTOMER_ID] [--contract CONTRACT_ID]',
  example: 'tally usage unbilled --org $ORG --customer acme',
  options: { org: { type: 'string' }, customer: { type: 'string' }, contract: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const q = new URLSearchParams()
    if (typeof ctx.values.customer === 'string') q.set('customer_id', ctx.values.customer)
    if (typeof ctx.values.contract === 'string') q.set('contract_id', ctx.values.contract)
    const path = `/v1/usage/unbilled${q.size > 0 ? `?${q.toString()}` : ''}`
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof unbilledUsageJson>>('GET', path, { org }))
    ctx.out(`late usage no invoice will bill as of ${res.as_of} (correct it with a credit note, or void and reissue):`)
    ctx.out(
      table(
        res.data.map((u) => ({
          contract: u.contract_id,
          customer: u.customer_id,
          invoice: u.invoice_number ?? u.invoice_id,
          period: `${u.period_start}..${u.period_end}`,
          product: u.product,
          metric: `${u.metric} v${u.metric_version}`,
          billed: u.billed_quantity,
          now: u.quantity,
          difference: u.difference ?? '',
          checked_until: u.checked_until,
        })),
        undefined,
        { right: ['billed', 'now', 'difference'] },
      ),
    )
  },
}
