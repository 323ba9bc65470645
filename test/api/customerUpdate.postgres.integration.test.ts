// The customer update suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeCustomerUpdateSuite } from './customerUpdateSuite.ts'

describeCustomerUpdateSuite('Postgres server', postgresHarnessEnv())
