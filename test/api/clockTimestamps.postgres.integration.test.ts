// The clock timestamps suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeClockTimestampsSuite } from './clockTimestampsSuite.ts'

describeClockTimestampsSuite('Postgres server', postgresHarnessEnv())
