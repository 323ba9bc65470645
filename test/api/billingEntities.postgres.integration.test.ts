// The billing entities suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeBillingEntitiesSuite } from './billingEntitiesSuite.ts'

describeBillingEntitiesSuite('Postgres server', postgresHarnessEnv())
