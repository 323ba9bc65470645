import { describe, expect, it } from 'vitest'
import { bindRemoteQuery } from './placeholders.ts'

const values = { customer_id: "o'hara", period_start: '2024-03-01 00:00:00.000', period_end: '2024-04-01 00:00:00.000' }

describe('bindRemoteQuery', () => {
  it('numbers Postgres markers once per name and leaves literals, identifiers, comments and dollar bodies alone', () => {
    const sql = `SELECT sum(n) AS quantity, '{customer_id}' AS s, "{period_end}" FROM t -- {customer_id}
      /* {period_start} /* nested {x} */ */ WHERE a = {customer_id:String} AND at >= {period_start} AND at < {period_end} AND b = {customer_id} AND $q${'$'}{customer_id}$q$ <> ''`
    const bound = bindRemoteQuery(sql, 'postgres', values)
    expect(bound.text).toContain('a = $1 AND at >= $2 AND at < $3 AND b = $1')
    expect(bound.text).toContain(`'{customer_id}' AS s, "{period_end}"`)
    expect(bound.text).toContain('-- {customer_id}')
    expect(bound.text).toContain('$q${customer_id}$q$')
    expect(bound.values).toEqual([values.customer_id, values.period_start, values.period_end])
  })

  it('gives MySQL one ? per use, expands a list, and skips backslash-escaped strings, backticks and # comments', () => {
    const sql = "SELECT 1 AS quantity FROM t WHERE a = {customer_id} AND s <> 'it\\'s {period_end}' AND `{x}` IN ({customer_ids}) # {y}\n AND b = {customer_id}"
    const bound = bindRemoteQuery(sql, 'mysql', { ...values, customer_ids: ['a', 'b'] })
    expect(bound.text).toBe("SELECT 1 AS quantity FROM t WHERE a = ? AND s <> 'it\\'s {period_end}' AND `{x}` IN (?, ?) # {y}\n AND b = ?")
    expect(bound.values).toEqual([values.customer_id, 'a', 'b', values.customer_id])
  })

  it("gives ClickHouse its own {name:Type} server-side parameters with Tally's types, one value per name, skipping literals, backticks, comments and heredocs", () => {
    const sql =
      "SELECT sum(n) AS quantity FROM t WHERE a = {customer_id:UInt8} AND s <> 'it\\'s {period_end}' AND `{x}` = 1 AND has({customer_ids}, a) # {y}\n /* {p /* {q} */ */ AND at >= {period_start} AND at < {period_end} AND b = {customer_id} AND $h${customer_id}$h$ <> ''"
    const bound = bindRemoteQuery(sql, 'clickhouse', { ...values, customer_ids: ['a', "b'c"] })
    expect(bound.text).toBe(
      "SELECT sum(n) AS quantity FROM t WHERE a = {customer_id:String} AND s <> 'it\\'s {period_end}' AND `{x}` = 1 AND has({customer_ids:Array(String)}, a) # {y}\n /* {p /* {q} */ */ AND at >= {period_start:DateTime64(6, 'UTC')} AND at < {period_end:DateTime64(6, 'UTC')} AND b = {customer_id:String} AND $h${customer_id}$h$ <> ''",
    )
    expect(bound.names).toEqual(['customer_id', 'customer_ids', 'period_start', 'period_end'])
    expect(bound.values).toEqual([values.customer_id, ['a', "b'c"], values.period_start, values.period_end])
  })

  it('refuses unknown names, positional markers, unterminated literals and names the query may not use', () => {
    expect(() => bindRemoteQuery('SELECT {org_id}', 'postgres', values)).toThrow(expect.objectContaining({ code: 'remote_query_unknown_parameter' }))
    expect(() => bindRemoteQuery('SELECT $1', 'postgres', values)).toThrow(expect.objectContaining({ code: 'remote_query_positional_parameter' }))
    expect(() => bindRemoteQuery('SELECT ?', 'mysql', values)).toThrow(expect.objectContaining({ code: 'remote_query_positional_parameter' }))
    expect(() => bindRemoteQuery("SELECT '{customer_id}", 'mysql', values)).toThrow(expect.objectContaining({ code: 'remote_query_unterminated' }))
    expect(() => bindRemoteQuery('SELECT {org_id:String}', 'clickhouse', values)).toThrow(expect.objectContaining({ code: 'remote_query_unknown_parameter' }))
    expect(() => bindRemoteQuery('SELECT {customer_ids}', 'postgres', values)).toThrow(expect.objectContaining({ code: 'remote_query_parameter_not_allowed' }))
  })
})
