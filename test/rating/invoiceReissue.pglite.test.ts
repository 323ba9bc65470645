// The void and reissue over HTTP suite on embedded Tally (PGlite).
import { describeInvoiceReissueSuite } from './invoiceReissueSuite.ts'

describeInvoiceReissueSuite('PGlite', async () => ({}))
