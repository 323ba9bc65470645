// The threshold billing suite on embedded Tally (PGlite).
import { describeThresholdBillingSuite } from './thresholdBillingSuite.ts'

describeThresholdBillingSuite('PGlite', async () => ({}))
