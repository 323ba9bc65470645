import { postgresDatabase } from './sourceDatabases.ts'
import { remoteRatingSuite } from './remoteRatingSuite.ts'

remoteRatingSuite('postgres', postgresDatabase, {
  customer: 'SELECT count(*) AS quantity FROM usage_rows WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}',
  grouped:
    'SELECT account AS customer_id, count(*) AS quantity FROM usage_rows WHERE account = ANY({customer_ids}) AND at >= {period_start} AND at < {period_end} GROUP BY account',
})
