// The environment of an embedded Tally (tallyHarness.ts openHarness) whose ledger is on the
// Postgres server: a throwaway tally_test_* database, created when the suite opens its harness
// and dropped after the file's tests. Call at a test file's top level.
import { afterAll } from 'vitest'
import { createTestDatabase, type TestDatabase } from './postgresTestDatabase.ts'

export function postgresHarnessEnv(): () => Promise<Record<string, string>> {
  let database: TestDatabase | undefined
  afterAll(async () => {
    await database?.drop()
  })
  return async () => {
    database = await createTestDatabase()
    return { TALLY_DATABASE_URL: database.url }
  }
}
