import { mariadbDatabase } from './sourceDatabases.ts'
import { remoteQuerySuite } from './remoteQuerySuite.ts'
import { remoteMetricHttpSuite } from './remoteMetricHttpSuite.ts'

const queries = {
  customer: `SELECT SUM(tokens) AS quantity FROM usage_rows # {period_end} in a comment stays text
             WHERE account = {customer_id:String} AND at >= {period_start} AND at < {period_end} AND '{customer_id}' <> ''`,
  grouped: `SELECT account AS customer_id, SUM(tokens) AS quantity FROM usage_rows
            WHERE account IN ({customer_ids}) AND at >= {period_start} AND at < {period_end} GROUP BY account`,
  write: `INSERT INTO usage_rows (id, account, at, tokens, updated_at) VALUES (99, {customer_id}, NOW(), 1, NOW())`,
  slow: 'SELECT SLEEP(2) AS quantity',
  connections: {
    perCustomer: `SELECT COUNT(*) AS quantity, CAST(CONNECTION_ID() AS CHAR) AS session FROM usage_rows
                  WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}`,
    stillOpen: 'SELECT COUNT(*) AS quantity FROM information_schema.PROCESSLIST WHERE CAST(ID AS CHAR) IN ({customer_ids})',
  },
}

remoteQuerySuite('mariadb', mariadbDatabase, queries)
remoteMetricHttpSuite('mariadb', mariadbDatabase, queries)
