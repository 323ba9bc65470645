// The alerts suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeAlertsSuite } from './alertsSuite.ts'

describeAlertsSuite('Postgres server', postgresHarnessEnv())
