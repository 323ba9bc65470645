// The tax rates suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeTaxRatesSuite } from './taxRatesSuite.ts'

describeTaxRatesSuite('Postgres server', postgresHarnessEnv())
