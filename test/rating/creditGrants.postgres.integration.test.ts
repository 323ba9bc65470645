// The credit grants suite with the ledger on the Postgres server (a throwaway tally_test_*
// database): the two concurrent runs use two connections of the pool, so the grant's row lock is
// what keeps them from overdrawing it.
import { afterAll } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeCreditGrantsSuite } from './creditGrantsSuite.ts'

let database: TestDatabase | undefined
afterAll(async () => {
  await database?.drop()
})

describeCreditGrantsSuite('Postgres server', async () => {
  database = await createTestDatabase()
  return { TALLY_DATABASE_URL: database.url }
})
