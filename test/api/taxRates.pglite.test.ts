// The tax rates suite on embedded Tally (PGlite).
import { describeTaxRatesSuite } from './taxRatesSuite.ts'

describeTaxRatesSuite('PGlite', async () => ({}))
