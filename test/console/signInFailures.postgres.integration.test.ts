// The console sign-in failures suite on the Postgres server (a throwaway tally_test_* database).
import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeSignInFailuresSuite } from './signInFailuresSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeSignInFailuresSuite('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))
