// The test harness itself (chdbHttpServer.ts): over real sockets, with plain fetch, it answers as
// ClickHouse's HTTP interface does — `/ping`; credentials by basic auth or the X-ClickHouse-User
// and X-ClickHouse-Key headers (else 516, HTTP 403); the query from the `query` parameter followed
// by the body; `param_*` bound by the engine (a quote in a value stays a value); URL settings in
// force for that query only (readonly=1 refuses the INSERT with 164, the next request writes);
// one statement per request (62); an unknown database (81), each with X-ClickHouse-Exception-Code;
// an INSERT whose rows are in the body with URL settings, as @clickhouse/client sends the metering
// worker's inserts (the settings go before FORMAT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChdbHttp, type ChdbHttp } from './chdbHttp.ts'

let server: ChdbHttp
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

async function send(path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: init.body ?? '', headers: init.headers ?? basic('reader', 'pw-1') })
  return { status: res.status, code: res.headers.get('x-clickhouse-exception-code'), text: await res.text() }
}

beforeAll(async () => {
  server = await startChdbHttp({ user: 'reader', password: 'pw-1' })
  await send('/', { body: 'CREATE TABLE t (id Int32, s String) ENGINE = MergeTree ORDER BY id' })
})
afterAll(async () => {
  await server?.stop()
})

describe('ClickHouse HTTP interface over chDB (test harness)', () => {
  it('answers /ping and checks credentials from basic auth or the X-ClickHouse headers', async () => {
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('Ok.\n')
    expect((await send('/?query=SELECT%201', { headers: { 'x-clickhouse-user': 'reader', 'x-clickhouse-key': 'pw-1' } })).text).toBe('1\n')
    const wrong = await send('/?query=SELECT%201', { headers: basic('reader', 'nope') })
    expect([wrong.status, wrong.code]).toEqual([403, '516'])
    expect(wrong.text).toMatch(/^Code: 516\. DB::Exception: .*\(AUTHENTICATION_FAILED\)/)
  })

  it('runs the query parameter followed by the body, binds param_* in the engine, and keeps URL settings to their request', async () => {
    expect((await send(`/?query=${encodeURIComponent('INSERT INTO t FORMAT TabSeparated')}`, { body: '1\ta\n2\tb\n' })).status).toBe(200)
    const bound = await send(`/?param_s=${encodeURIComponent("x\\'; DROP TABLE t; --")}&default_format=TabSeparated`, { body: 'SELECT {s:String} AS s' })
    expect(bound.text).toBe("x\\'; DROP TABLE t; --\n")
    const refused = await send('/?readonly=1', { body: "INSERT INTO t SELECT 3, 'c'" })
    expect([refused.status, refused.code]).toEqual([403, '164'])
    expect((await send('/', { body: "INSERT INTO t SELECT 4, 'd'" })).status).toBe(200)
    expect((await send('/', { body: 'SELECT groupArray(id) FROM (SELECT id FROM t ORDER BY id)' })).text).toBe('[1,2,4]\n')
  })

  it('takes URL settings on an INSERT whose rows follow FORMAT in the body', async () => {
    const path = `/?query=${encodeURIComponent('INSERT INTO t (id, s) FORMAT JSONEachRow')}&insert_deduplicate=0&async_insert=0`
    expect((await send(path, { body: '{"id":7,"s":"g"}\n{"id":8,"s":"h"}\n' })).status).toBe(200)
    const refused = await send(`/?query=${encodeURIComponent('INSERT INTO t (id, s) FORMAT JSONEachRow')}&readonly=1`, { body: '{"id":9,"s":"i"}\n' })
    expect([refused.status, refused.code]).toEqual([403, '164'])
    expect((await send('/', { body: 'SELECT groupArray(id) FROM (SELECT id FROM t WHERE id > 6 ORDER BY id)' })).text).toBe('[7,8]\n')
    await send('/', { body: 'DELETE FROM t WHERE id > 6' })
  })

  it('refuses two statements in one request and an unknown database, with the exception code', async () => {
    const two = await send('/', { body: "SELECT 1; INSERT INTO t SELECT 5, 'e'" })
    expect([two.status, two.code]).toEqual([400, '62'])
    expect((await send('/', { body: 'SELECT count() FROM t' })).text).toBe('3\n')
    const absent = await send('/?database=absent', { body: 'SELECT 1' })
    expect([absent.status, absent.code]).toEqual([404, '81'])
  })
})
