// A webhook drain pass in a process of its own, for the SIGKILL test: with `kill`, the process
// kills itself (SIGKILL, no cleanup) when the receiver has answered and before the attempt is
// recorded: the window DESIGN invariant 8 is about. The drain's clock is fixed at `at`.
import { pino } from 'pino'
import { createWebhookDrain } from '../../connectors/webhooks/webhookDrain.ts'
import { createWebhookStore, type WebhookStore } from '../../ledger/webhookStore.ts'
import { fixedClock } from '../../platform/clock.ts'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createSecretBox } from '../../platform/secretBox.ts'

const args = JSON.parse(process.argv[2]!) as { databaseUrl: string; secretKey: string; at: string; kill: boolean }
const handle = await openDatabase({ databaseUrl: args.databaseUrl, dataDir: '/nonexistent' })
const store = createWebhookStore(handle.db, { secrets: createSecretBox(args.secretKey) })
const webhooks: WebhookStore = args.kill
  ? {
      ...store,
      deliveries: {
        ...store.deliveries,
        record: async () => {
          process.kill(process.pid, 'SIGKILL')
        },
      },
    }
  : store
const summary = await createWebhookDrain({ webhooks, clock: fixedClock(args.at), logger: pino({ level: 'silent' }), allowPrivate: true }).drain()
process.stdout.write(JSON.stringify(summary))
await handle.close()
