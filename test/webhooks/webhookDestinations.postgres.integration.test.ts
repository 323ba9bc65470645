// The webhook destinations suite with the outbox on the Postgres server (a throwaway database).
import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeWebhookDestinationsSuite } from './webhookDestinationsSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeWebhookDestinationsSuite('Postgres server', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))
