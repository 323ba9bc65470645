// The customer update suite on embedded Tally (PGlite).
import { describeCustomerUpdateSuite } from './customerUpdateSuite.ts'

describeCustomerUpdateSuite('PGlite', async () => ({}))
