// The lifecycle money suite on the Postgres server, the racing run and reissue on two separate
// pools (as two processes would be), in a throwaway tally_test_* database.
import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeLifecycleMoneySuite } from './lifecycleMoneySuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeLifecycleMoneySuite(
  'Postgres server (pg)',
  () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }),
  () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }),
)
