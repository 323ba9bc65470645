// A real SIGKILL between the receiver's answer and the record: a child process drains one
// delivery to a receiver over real sockets and kills itself before recording the attempt. The
// delivery stays pending under its claim's lease; a drain before the lease ends sends nothing, one
// after it sends the same webhook-id again, and the receiver, deduping by it, processes it once.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebhookStore } from '../../ledger/webhookStore.ts'
import { queueWebhookEventIn, subscriptionsIn } from '../../ledger/webhooks/webhookOutboxWrites.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { newSecretKey } from '../erp/drain/outboxFixture.ts'
import { useKilledDrainDatabase } from '../erp/drain/killedDrainFixture.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.ts'

const database = useKilledDrainDatabase()
const AT = '2024-06-15T10:00:00.000Z'

function runChild(args: { databaseUrl: string; secretKey: string; at: string; kill: boolean }) {
  return new Promise<{ signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'webhookDrainChild.ts'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.on('error', reject)
    child.on('exit', (_code, signal) => resolve({ signal, stdout }))
  })
}

describe('webhook drain killed after the receiver answered (Postgres server)', () => {
  let receiver: WebhookReceiver
  let at = Date.parse(AT)
  beforeAll(async () => {
    receiver = await startWebhookReceiver({ now: () => new Date(at) })
  })
  afterAll(async () => {
    await receiver?.close()
  })

  it('SIGKILL before the record, drains before and after the 60 s lease: sent twice with one webhook-id, processed once', async () => {
    const secretKey = newSecretKey()
    const org = await createTestLedger(database.handle.db).organisations.create({ now: testNow(), name: 'Killed drain' })
    const store = createWebhookStore(database.handle.db, { secrets: createSecretBox(secretKey) })
    const { secret } = await store.endpoints.create({
      orgId: org.id,
      url: receiver.url,
      eventTypes: ['payment.recorded'],
      description: null,
      now: new Date(AT),
    })
    receiver.secret = secret
    await database.handle.db.transaction(async (raw) => {
      const tx = raw as unknown as Database
      const event = { orgId: org.id, type: 'payment.recorded' as const, subject: 'pay-1', at: new Date(AT), data: { payment: { amount: '45.30' } } }
      await queueWebhookEventIn(tx, await subscriptionsIn(tx, org.id), event)
    })
    const args = { databaseUrl: database.url, secretKey }

    const killed = await runChild({ ...args, at: AT, kill: true })
    expect(killed.signal).toBe('SIGKILL')
    expect(receiver.received).toHaveLength(1)
    const [pending] = await store.deliveries.list(org.id, {})
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: '2024-06-15T10:01:00.000Z', attemptLog: [] })

    expect(JSON.parse((await runChild({ ...args, at: '2024-06-15T10:00:59.000Z', kill: false })).stdout)).toEqual({ delivered: 0, retried: 0, failed: 0 })
    at = Date.parse('2024-06-15T10:01:00.000Z')
    expect(JSON.parse((await runChild({ ...args, at: '2024-06-15T10:01:00.000Z', kill: false })).stdout)).toEqual({ delivered: 1, retried: 0, failed: 0 })
    expect(receiver.received.map((r) => r.id)).toEqual([pending!.event.id, pending!.event.id])
    expect(receiver.events.size).toBe(1)
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ type: 'payment.recorded', data: { payment: { amount: '45.30' } } })
    const [done] = await store.deliveries.list(org.id, {})
    expect(done).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: '2024-06-15T10:01:00.000Z' })
  })
})
