import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../test/support/postgresTestDatabase.ts'
import { describeRatingRunSuite } from './ratingRunsSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeRatingRunSuite('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))
