// The rating periods over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeRatingPeriodSuite } from './ratingPeriodSuite.ts'

describeRatingPeriodSuite('Postgres server', postgresHarnessEnv())
