// The one-off charges suite on embedded Tally (PGlite).
import { describeChargesSuite } from './chargesSuite.ts'

describeChargesSuite('PGlite', async () => ({}))
