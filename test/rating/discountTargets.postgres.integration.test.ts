// The discount targets over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeDiscountTargetsSuite } from './discountTargetsSuite.ts'

describeDiscountTargetsSuite('Postgres server', postgresHarnessEnv())
