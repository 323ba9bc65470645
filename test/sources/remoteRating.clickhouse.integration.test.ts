import { clickhouseDatabase } from './clickhouseDatabase.ts'
import { remoteRatingSuite } from './remoteRatingSuite.ts'

remoteRatingSuite('clickhouse', clickhouseDatabase, {
  customer: 'SELECT count() AS quantity FROM usage_rows WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}',
  grouped:
    'SELECT account AS customer_id, count() AS quantity FROM usage_rows WHERE has({customer_ids}, account) AND at >= {period_start} AND at < {period_end} GROUP BY account',
})
