// A throwaway database per integration test file on the machine's PostgreSQL server, so
// suites never share state and never touch a database that is not named for tests.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Admin connection used only to create and drop test databases. */
export const POSTGRES_ADMIN_URL = process.env.TALLY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const TEST_DATABASE = /^tally_test_[a-z0-9_]+$/

export interface TestDatabase {
  name: string
  /** Connection URL of the test database. */
  url: string
  drop(): Promise<void>
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
  } catch (err) {
    // Loud on purpose: the ledger suite must run against a real server, never skip quietly.
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(err as Error).message}). ` +
        'Start it with `deploy/local/up.sh` (or point TALLY_TEST_POSTGRES_URL at a server).',
      { cause: err },
    )
  }
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Drops a test database; refuses any name not starting with `tally_test_`. */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!TEST_DATABASE.test(name)) {
    throw new Error(`refusing to drop "${name}": only databases named tally_test_* are dropped by tests`)
  }
  // WITH (FORCE) ends sessions a failed test may have left open (Postgres 13+).
  await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`))
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tally_test_${randomBytes(6).toString('hex')}`
  await withAdmin((client) => client.query(`create database "${name}"`))
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return { name, url: url.toString(), drop: () => dropTestDatabase(name) }
}
