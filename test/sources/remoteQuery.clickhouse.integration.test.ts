// Remote queries in ClickHouse's dialect against ClickHouse's HTTP interface over chDB: Tally's
// parameters become the server's own `{name:Type}` parameters, `readonly=1` refuses the write
// (164), max_execution_time stops the slow query (159), max_result_rows the long answer (396).
import { clickhouseDatabase } from './clickhouseDatabase.ts'
import { remoteMetricHttpSuite } from './remoteMetricHttpSuite.ts'
import { remoteQuerySuite } from './remoteQuerySuite.ts'

const queries = {
  customer: `SELECT sum(tokens) AS quantity FROM usage_rows -- {period_end} in a comment stays text
             WHERE account = {customer_id:String} AND at >= {period_start} AND at < {period_end} AND '{customer_id}' <> ''`,
  grouped: `SELECT account AS customer_id, sum(tokens) AS quantity FROM usage_rows
            WHERE has({customer_ids}, account) AND at >= {period_start} AND at < {period_end} GROUP BY account`,
  write: `INSERT INTO usage_rows (id, account, at, tokens, updated_at) SELECT 99, {customer_id}, now(), 1, now()`,
  slow: 'SELECT count() AS quantity FROM numbers(100000000000000)',
}

remoteQuerySuite('clickhouse', clickhouseDatabase, queries)
remoteMetricHttpSuite('clickhouse', clickhouseDatabase, queries)
