// The analysed-query policy on dumps as chDB 26.7 prints them: no engine involved.
import { describe, expect, it } from 'vitest'
import { inspectQueryTree, parseTreeDump } from './queryTree.ts'

const policy = { database: 'tally', scopeCtes: new Set(['__tally_raw_api_calls']), scratch: { cte: '__tally_aggregates', table: '__tally_agg_01' } }
const check = (dump: string) => inspectQueryTree(parseTreeDump(dump.split('\n')), policy).map((v) => v.code)

/** A template's CTE named `tally.events` next to the real table, as the analyser prints them. */
const DOTTED_CTE = `QUERY id: 0
  JOIN TREE
    JOIN id: 1, strictness: ALL, kind: CROSS
      LEFT TABLE EXPRESSION
        QUERY id: 2, alias: s, is_subquery: 1
          JOIN TREE
            QUERY id: 3, is_subquery: 1, is_cte: 1, cte_name: tally.events
              JOIN TREE
                TABLE id: 4, table_name: system.one
      RIGHT TABLE EXPRESSION
        TABLE id: 5, alias: e, table_name: tally.events`

describe('inspectQueryTree', () => {
  it('refuses the real table however the template names its CTEs', () => {
    expect(check(DOTTED_CTE)).toEqual(['table_not_allowed'])
  })

  it('lets events through only directly inside a scope CTE, and the scratch table inside the aggregates CTE', () => {
    const ok = `QUERY id: 0
  JOIN TREE
    QUERY id: 1, is_subquery: 1, is_cte: 1, cte_name: __tally_raw_api_calls
      JOIN TREE
        TABLE id: 2, alias: __table1, table_name: tally.events
  WHERE
    FUNCTION id: 3, function_name: in, function_type: ordinary
      ARGUMENTS
        LIST id: 4, nodes: 2
          QUERY id: 5, is_subquery: 1, is_cte: 1, cte_name: __tally_aggregates
            JOIN TREE
              TABLE id: 6, table_name: tally.__tally_agg_01`
    expect(check(ok)).toEqual([])
    // One level further down (a subquery inside the scope CTE) is not Tally's text.
    expect(
      check(
        ok.replace(
          '        TABLE id: 2, alias: __table1, table_name: tally.events',
          '        QUERY id: 9, is_subquery: 1\n          JOIN TREE\n            TABLE id: 2, table_name: tally.events',
        ),
      ),
    ).toEqual(['table_not_allowed'])
  })

  it('refuses system tables, table functions and deny-listed functions wherever the analyser put them', () => {
    const dump = `QUERY id: 0
  PROJECTION
    LIST id: 1, nodes: 1
      CONSTANT id: 2, constant_value: 'x', constant_value_type: String
        EXPRESSION
          FUNCTION id: 3, function_name: currentDatabase, function_type: ordinary
  JOIN TREE
    JOIN id: 4, kind: CROSS
      LEFT TABLE EXPRESSION
        TABLE id: 5, table_name: system.tables
      RIGHT TABLE EXPRESSION
        TABLE_FUNCTION id: 6, table_function_name: file`
    expect(check(dump).sort()).toEqual(['function_forbidden', 'system_table_forbidden', 'table_function_forbidden'])
  })
})
