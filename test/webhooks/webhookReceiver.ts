// A webhook receiver over real sockets (node:http on 127.0.0.1) that does what a receiver is told
// to do in connectors/webhooks/README.md: verify the signature and the replay window with the
// published helper against its own clock (401 when it fails), then dedup by `webhook-id`.
// `plan` queues the statuses of the next answers (503 twice, a 400); after it, 200.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Clock } from '../../platform/clock.ts'
import { verifyWebhook } from '../../connectors/webhooks/webhookSignature.ts'

export interface Received {
  id: string
  body: string
  status: number
}

export interface WebhookReceiver {
  url: string
  /** The endpoint's signing secret, set once Tally answered it. */
  secret: string
  /** Every verified request, in order (redeliveries included). */
  received: Received[]
  /** The events processed once each (dedup by webhook-id), parsed. */
  events: Map<string, { type: string; created_at: string; organisation: string; data: any; id: string }>
  /** Requests refused for their signature or timestamp. */
  refused: number
  plan(statuses: number[]): void
  close(): Promise<void>
}

export async function startWebhookReceiver(clock: Clock): Promise<WebhookReceiver> {
  const planned: number[] = []
  const receiver: WebhookReceiver = {
    url: '',
    secret: '',
    received: [],
    events: new Map(),
    refused: 0,
    plan: (statuses) => planned.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let id: string
      try {
        ;({ id } = verifyWebhook({ secret: receiver.secret, headers: req.headers as Record<string, string>, body, now: clock.now() }))
      } catch (err) {
        receiver.refused++
        res.writeHead(401).end((err as Error).message)
        return
      }
      const status = planned.shift() ?? 200
      receiver.received.push({ id, body, status })
      if (status >= 200 && status < 300 && !receiver.events.has(id)) receiver.events.set(id, JSON.parse(body))
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'busy, try later')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  return receiver
}

/** A URL on 127.0.0.1 where nothing listens (a port bound then released). */
export async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/down`
}
