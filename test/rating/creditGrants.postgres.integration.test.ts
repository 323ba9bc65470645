// The credit grants suite with the ledger on the Postgres server (a throwaway tally_test_*
// database): the two concurrent runs use two connections of the pool.
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeCreditGrantsSuite } from './creditGrantsSuite.ts'

describeCreditGrantsSuite('Postgres server', postgresHarnessEnv())
