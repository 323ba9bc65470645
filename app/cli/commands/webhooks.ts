// `tally webhooks add|list|remove|rotate-secret|deliveries|redeliver`: webhook endpoints and
// their delivery log over /v1/webhooks (connectors/webhooks/http/webhookRoutes.ts). The signing
// secret is printed by `add` and `rotate-secret` only, the once the API answers it.
import type { z } from 'zod'
import type { deliveryJson, deliveryListJson, endpointCreatedJson, endpointListJson } from '../../../connectors/webhooks/http/webhookSchemas.ts'
import type { Command, CommandContext } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

const secretNote = (secret: string) => `Signing secret (shown once, store it now): ${secret}`

/** `METHOD path(ID)` for `--org`, the id being the command's argument (`usage` says how to give it). */
async function onId<T>(
  ctx: CommandContext,
  req: { method: 'POST' | 'DELETE'; path: (id: string) => string; usage: string; body?: object },
): Promise<{ id: string; answer: T }> {
  const id = requiredArgument(ctx, `give the id: tally ${req.usage}`)
  const org = required(ctx, 'org')
  const body = req.body === undefined ? {} : { body: req.body }
  return { id, answer: await withApi(ctx, (api) => api.call<T>(req.method, req.path(encodeURIComponent(id)), { org, ...body })) }
}

export const webhooksAddCommand: Command = {
  path: ['webhooks', 'add'],
  summary: 'Add a webhook endpoint for the given event types; prints its signing secret once',
  usage: '--org ORG_ID --url URL --events TYPE[,TYPE…] [--description TEXT]',
  example: 'tally webhooks add --org $ORG --url https://billing.example.com/tally --events invoice.finalized,payment.recorded',
  options: { org: { type: 'string' }, url: { type: 'string' }, events: { type: 'string' }, description: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = {
      url: required(ctx, 'url'),
      event_types: required(ctx, 'events')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
      ...(typeof ctx.values.description === 'string' ? { description: ctx.values.description } : {}),
    }
    const e = await withApi(ctx, (api) => api.call<z.infer<typeof endpointCreatedJson>>('POST', '/v1/webhooks/endpoints', { org, body }))
    ctx.out(`Endpoint ${e.id}: ${e.url} (${e.event_types.join(', ')})`)
    ctx.out(secretNote(e.secret))
  },
}

export const webhooksListCommand: Command = {
  path: ['webhooks', 'list'],
  summary: "The organisation's webhook endpoints (never their secrets)",
  usage: '--org ORG_ID',
  example: 'tally webhooks list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof endpointListJson>>('GET', '/v1/webhooks/endpoints', { org }))
    ctx.out(table(res.data.map((e) => ({ id: e.id, url: e.url, events: e.event_types.join(','), description: e.description ?? '' }))))
  },
}

export const webhooksRemoveCommand: Command = {
  path: ['webhooks', 'remove'],
  summary: 'Remove an endpoint: nothing more is sent to it, its pending deliveries fail, its log stays',
  usage: 'ENDPOINT_ID --org ORG_ID',
  example: 'tally webhooks remove $ENDPOINT --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const { id } = await onId(ctx, { method: 'DELETE', path: (id) => `/v1/webhooks/endpoints/${id}`, usage: 'webhooks remove ENDPOINT_ID --org ORG_ID' })
    ctx.out(`Removed endpoint ${id}`)
  },
}

export const webhooksRotateSecretCommand: Command = {
  path: ['webhooks', 'rotate-secret'],
  summary: "Replace an endpoint's signing secret; prints the new one once. The replaced one signs too for the overlap (default 24 h)",
  usage: 'ENDPOINT_ID --org ORG_ID [--overlap-hours 0-168]',
  example: 'tally webhooks rotate-secret $ENDPOINT --org $ORG --overlap-hours 48',
  options: { org: { type: 'string' }, 'overlap-hours': { type: 'string' } },
  async run(ctx) {
    const overlap = ctx.values['overlap-hours']
    const { answer } = await onId<z.infer<typeof endpointCreatedJson>>(ctx, {
      method: 'POST',
      path: (id) => `/v1/webhooks/endpoints/${id}/rotate-secret`,
      usage: 'webhooks rotate-secret ENDPOINT_ID --org ORG_ID [--overlap-hours 0-168]',
      // A value that is not a number goes as given, for the API to refuse with the field.
      body: typeof overlap === 'string' ? { overlap_hours: /^-?\d+(\.\d+)?$/.test(overlap) ? Number(overlap) : overlap } : {},
    })
    ctx.out(secretNote(answer.secret))
    ctx.out(
      answer.previous_secret_expires_at === null
        ? 'The previous secret signs nothing more.'
        : `The previous secret signs too until ${answer.previous_secret_expires_at}: move receivers to the new one before then.`,
    )
  },
}

export const webhooksDeliveriesCommand: Command = {
  path: ['webhooks', 'deliveries'],
  summary: 'Deliveries, most recent first: event, status, attempts, the last answer',
  usage: '--org ORG_ID [--endpoint ENDPOINT_ID] [--status pending|delivered|failed]',
  example: 'tally webhooks deliveries --org $ORG --status failed',
  options: { org: { type: 'string' }, endpoint: { type: 'string' }, status: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const query = new URLSearchParams()
    for (const flag of ['endpoint', 'status']) if (typeof ctx.values[flag] === 'string') query.set(flag, ctx.values[flag])
    const qs = query.size === 0 ? '' : `?${query}`
    const res = await withApi(ctx, (api) => api.call<z.infer<typeof deliveryListJson>>('GET', `/v1/webhooks/deliveries${qs}`, { org }))
    const rows = res.data.map((d) => ({
      id: d.id,
      event: d.event_type,
      event_id: d.event_id,
      status: d.status,
      attempts: String(d.attempts),
      last: d.last_status === null ? (d.last_error ?? '') : String(d.last_status),
      next_attempt: d.next_attempt_at ?? '',
    }))
    ctx.out(table(rows))
  },
}

export const webhooksRedeliverCommand: Command = {
  path: ['webhooks', 'redeliver'],
  summary: 'Send a delivery again now, with the same event id',
  usage: 'DELIVERY_ID --org ORG_ID',
  example: 'tally webhooks redeliver $DELIVERY --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const { answer: d } = await onId<z.infer<typeof deliveryJson>>(ctx, {
      method: 'POST',
      path: (id) => `/v1/webhooks/deliveries/${id}/redeliver`,
      usage: 'webhooks redeliver DELIVERY_ID --org ORG_ID',
    })
    ctx.out(`Delivery ${d.id} (${d.event_type} ${d.event_id}) is ${d.status}: it leaves now`)
  },
}
