// The customer update suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { afterAll } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeCustomerUpdateSuite } from './customerUpdateSuite.ts'

let database: TestDatabase | undefined
afterAll(async () => {
  await database?.drop()
})

describeCustomerUpdateSuite('Postgres server', async () => {
  database = await createTestDatabase()
  return { TALLY_DATABASE_URL: database.url }
})
