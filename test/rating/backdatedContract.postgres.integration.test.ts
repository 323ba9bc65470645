// The back-dated contracts over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeBackdatedContractSuite } from './backdatedContractSuite.ts'

describeBackdatedContractSuite('Postgres server', postgresHarnessEnv())
