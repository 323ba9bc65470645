// The one-off charges suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeChargesSuite } from './chargesSuite.ts'

describeChargesSuite('Postgres server', postgresHarnessEnv())
