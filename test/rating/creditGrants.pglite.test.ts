// The credit grants suite on embedded Tally (PGlite).
import { describeCreditGrantsSuite } from './creditGrantsSuite.ts'

describeCreditGrantsSuite('PGlite', async () => ({}))
