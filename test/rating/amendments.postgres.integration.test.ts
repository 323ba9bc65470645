// The contract amendments suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeAmendmentsSuite } from './amendmentsSuite.ts'

describeAmendmentsSuite('Postgres server', postgresHarnessEnv())
