// The threshold billing suite with the ledger on the Postgres server (a throwaway tally_test_*
// database): the two concurrent runs of one day hold two connections of the pool.
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeThresholdBillingSuite } from './thresholdBillingSuite.ts'

describeThresholdBillingSuite('Postgres server', postgresHarnessEnv())
