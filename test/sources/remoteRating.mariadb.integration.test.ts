import { mariadbDatabase } from './sourceDatabases.ts'
import { remoteRatingSuite } from './remoteRatingSuite.ts'

remoteRatingSuite('mariadb', mariadbDatabase, {
  customer: 'SELECT COUNT(*) AS quantity FROM usage_rows WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}',
  grouped:
    'SELECT account AS customer_id, COUNT(*) AS quantity FROM usage_rows WHERE account IN ({customer_ids}) AND at >= {period_start} AND at < {period_end} GROUP BY account',
})
