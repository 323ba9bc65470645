// The catalogue lists suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeCatalogueListsSuite } from './catalogueListsSuite.ts'

describeCatalogueListsSuite('Postgres server', postgresHarnessEnv())
