// The webhooks suite with the ledger on the Postgres server (a throwaway tally_test_* database):
// the drain's claims (`for update skip locked`) and the outbox writes on a real server.
import { postgresHarnessEnv } from '../support/postgresHarnessEnv.ts'
import { describeWebhooksSuite } from './webhooksSuite.ts'

describeWebhooksSuite('Postgres server', postgresHarnessEnv())
