// The unbilled late usage over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeUnbilledLateUsageSuite } from './unbilledLateUsageSuite.ts'

describeUnbilledLateUsageSuite('Postgres server', postgresHarnessEnv())
