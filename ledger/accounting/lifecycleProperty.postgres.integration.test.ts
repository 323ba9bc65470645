import { afterAll, beforeAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { createTestDatabase, type TestDatabase } from '../../test/support/postgresTestDatabase.ts'
import { describeLifecycleProperty } from './lifecycleProperty.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describeLifecycleProperty('Postgres server (pg)', () => openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' }), { seed: 1414, steps: 120 })
