// Two gateways on one Postgres database (the API assembly of each, app/buildApi.ts, over its own
// pool, as two processes behind a load balancer) share the console's sign-in budget: failures
// spread over both count once, so the sixth within 15 minutes is refused by either, and the key
// is not tried. Before the failures were kept in the ledger each gateway allowed five.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApi } from '../../app/buildApi.ts'
import { signIn as signInThroughForm } from '../../console/consoleTestKit.ts'
import type { EventSink } from '../../ingest/sink/eventSink.ts'
import { createLedger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { ratingDocuments } from '../../rating/execute/ratingDocuments.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'

const ADMIN_TOKEN = 'shared-limit-admin-token-0123456789'
/** Nothing is ingested here. */
const noEvents: EventSink = { dedup: 'checked', write: () => Promise.reject(new Error('no events in this test')), close: async () => {} }

describe('the console sign-in limit across two gateways on one database', () => {
  let database: TestDatabase
  let KEY = ''
  const gateways: { app: Hono; handle: DatabaseHandle; dataDir: string }[] = []
  beforeAll(async () => {
    database = await createTestDatabase()
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'tally-gateway-'))
      const logger = createLogger('silent')
      const config = loadConfig({ TALLY_DATA_DIR: dataDir, TALLY_DATABASE_URL: database.url, TALLY_ADMIN_TOKEN: ADMIN_TOKEN, TALLY_LOG_LEVEL: 'silent' })
      const handle = await openDatabase({ databaseUrl: database.url, dataDir })
      await migrateDatabase(handle, ledgerMigrationsFolder)
      const ledger = createLedger(handle.db, ratingDocuments)
      const clock = fixedClock('2026-03-10T09:00:00Z')
      const app = buildApi({ config, logger, ledger, database: handle, adminToken: ADMIN_TOKEN, clock, sink: noEvents })
      gateways.push({ app: app as unknown as Hono, handle, dataDir })
    }
    // An organisation and its key, made through the first gateway.
    const admin = async (path: string, body: object) => {
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
      const res = await gateways[0]!.app.request(path, { method: 'POST', headers, body: JSON.stringify(body) })
      expect(res.status).toBe(201)
      return (await res.json()) as { id: string; secret: string }
    }
    const org = await admin('/v1/organisations', { name: 'Shared limit' })
    KEY = (await admin(`/v1/organisations/${org.id}/api-keys`, { name: 'console' })).secret
  })
  afterAll(async () => {
    for (const g of gateways) {
      await g.handle.close()
      rmSync(g.dataDir, { recursive: true, force: true })
    }
    await database?.drop()
  })

  /** A sign-in through the form of gateway `i`, from `address`. */
  const signIn = (i: number, key: string, address: string) => signInThroughForm(gateways[i]!.app, key, address)

  it('refuses the sixth failure from one address on either gateway, the five failures spread over both (three and two)', async () => {
    expect((await signIn(0, KEY, '192.0.2.50')).status).toBe(303) // the key works on both
    expect((await signIn(1, KEY, '192.0.2.50')).status).toBe(303)
    for (let i = 0; i < 5; i++) expect((await signIn(i % 2, `tly_Guess${i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, '192.0.2.7')).status).toBe(401)
    for (const gateway of [0, 1]) {
      const refused = await signIn(gateway, KEY, '192.0.2.7')
      expect({ gateway, status: refused.status, retryAfter: refused.headers.get('retry-after') }).toEqual({ gateway, status: 429, retryAfter: '900' })
      expect(await refused.text()).toContain('Try again in 15 minutes.')
    }
    expect((await signIn(1, KEY, '192.0.2.8')).status).toBe(303) // another address
  })

  it('refuses the sixth failure for one key from five addresses, spread over both gateways', async () => {
    const guess = (i: number) => `${KEY.slice(0, 12)}Wrong${i}AAAAAAAAAAAAAAAAAAAAAAA`
    for (let i = 0; i < 5; i++) expect((await signIn(i < 2 ? 1 : 0, guess(i), `203.0.113.${i}`)).status).toBe(401)
    expect((await signIn(1, KEY, '203.0.113.99')).status).toBe(429)
    expect((await signIn(0, KEY, '203.0.113.98')).status).toBe(429)
  })
})
