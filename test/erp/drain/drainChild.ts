// A drain pass in a process of its own, for the SIGKILL test: with `killAfterSent`, the process
// kills itself (SIGKILL, no cleanup) right after the ERP accepted a document of that kind and
// before the outbox row is marked sent: the window DESIGN invariant 8 is about.
import { pino } from 'pino'
import { ERP_ADAPTERS, type AdapterFactory, type AdapterRegistry } from '../../../connectors/erp/adapters.ts'
import { createErpSync } from '../../../connectors/erp/drain/erpSync.ts'
import { createErpStore } from '../../../ledger/erpStore.ts'
import { systemClock } from '../../../platform/clock.ts'
import { openDatabase } from '../../../platform/postgres/database.ts'
import { createSecretBox } from '../../../platform/secretBox.ts'

const args = JSON.parse(process.argv[2]!) as { databaseUrl: string; secretKey: string; orgId: string; connectionId: string; killAfterSent: string | null }
/** Every registered adapter, each killing the process right after the ERP accepted a document of the kind asked. */
const killing = (factory: AdapterFactory): AdapterFactory => ({
  ...factory,
  create(input) {
    const adapter = factory.create(input)
    return {
      ...adapter,
      async send(request) {
        const outcome = await adapter.send(request)
        if (outcome.status === 'sent' && request.document.kind === args.killAfterSent) process.kill(process.pid, 'SIGKILL')
        return outcome
      },
    }
  },
})
const adapters: AdapterRegistry = Object.fromEntries(Object.entries(ERP_ADAPTERS).map(([type, factory]) => [type, killing(factory)]))
const handle = await openDatabase({ databaseUrl: args.databaseUrl, dataDir: '/nonexistent' })
const erp = createErpStore(handle.db, { secrets: createSecretBox(args.secretKey) })
const summary = await createErpSync({ erp, adapters, clock: systemClock, logger: pino({ level: 'silent' }) }).drain(args.orgId, args.connectionId)
process.stdout.write(JSON.stringify(summary))
await handle.close()
