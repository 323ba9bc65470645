import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgresTestDatabase.ts'
import { describeRatingScaleSuite } from './ratingScaleSuite.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeRatingScaleSuite('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }))
