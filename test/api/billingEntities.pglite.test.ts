// The billing entities suite on embedded Tally (PGlite).
import { describeBillingEntitiesSuite } from './billingEntitiesSuite.ts'

describeBillingEntitiesSuite('PGlite', async () => ({}))
