// The void and reissue over HTTP suite with the ledger on the Postgres server (a throwaway tally_test_* database).
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeInvoiceReissueSuite } from './invoiceReissueSuite.ts'

describeInvoiceReissueSuite('Postgres server', postgresHarnessEnv())
