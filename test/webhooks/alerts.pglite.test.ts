// The alerts suite on embedded Tally (PGlite).
import { describeAlertsSuite } from './alertsSuite.ts'

describeAlertsSuite('PGlite', async () => ({}))
