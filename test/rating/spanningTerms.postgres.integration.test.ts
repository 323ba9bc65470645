// The spanning terms suite on the Postgres server, in a throwaway tally_test_* database.
import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeSpanningTermsSuite } from './spanningTermsSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeSpanningTermsSuite('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))
