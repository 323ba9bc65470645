// The webhooks suite on embedded Tally (PGlite).
import { describeWebhooksSuite } from './webhooksSuite.ts'

describeWebhooksSuite('PGlite', async () => ({}))
