import { postgresDatabase } from './sourceDatabases.ts'
import { remoteQuerySuite } from './remoteQuerySuite.ts'
import { remoteMetricHttpSuite } from './remoteMetricHttpSuite.ts'

const queries = {
  customer: `SELECT sum(tokens) AS quantity FROM usage_rows -- {period_end} in a comment stays text
             WHERE account = {customer_id:String} AND at >= {period_start} AND at < {period_end} AND '{customer_id}' <> ''`,
  grouped: `SELECT account AS customer_id, sum(tokens) AS quantity FROM usage_rows
            WHERE account = ANY({customer_ids}) AND at >= {period_start} AND at < {period_end} GROUP BY account`,
  write: `INSERT INTO usage_rows (id, account, at, tokens, updated_at) VALUES (99, {customer_id}, now(), 1, now()) RETURNING tokens AS quantity`,
  slow: 'SELECT 1 AS quantity FROM pg_sleep(2)',
  connections: {
    perCustomer: `SELECT count(*) AS quantity, pg_backend_pid()::text AS session FROM usage_rows
                  WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}`,
    stillOpen: 'SELECT count(*) AS quantity FROM pg_stat_activity WHERE pid::text = ANY({customer_ids})',
  },
}

remoteQuerySuite('postgres', postgresDatabase, queries)
remoteMetricHttpSuite('postgres', postgresDatabase, queries)
