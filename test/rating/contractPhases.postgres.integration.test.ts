// The contract phases over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeContractPhasesSuite } from './contractPhasesSuite.ts'

describeContractPhasesSuite('Postgres server', postgresHarnessEnv())
