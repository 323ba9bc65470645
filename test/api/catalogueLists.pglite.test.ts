// The catalogue lists suite on embedded Tally (PGlite).
import { describeCatalogueListsSuite } from './catalogueListsSuite.ts'

describeCatalogueListsSuite('PGlite', async () => ({}))
