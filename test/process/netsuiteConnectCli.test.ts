// `tally erp connect|status|sync` for a NetSuite connection, through the real binary against a
// real `tally start` and the NetSuite test server on 127.0.0.1: the connection read from a file
// (token-based auth credentials never printed), its status, a sync; credentials of the wrong
// shape refused with the API's code.
import { writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NETSUITE_CHART_MAP } from '../erp/netsuite/netsuitePeer.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer } from '../erp/netsuite/netsuiteTestServer.ts'
import { useTallyCli } from '../support/tallyCli.ts'

const t = useTallyCli({ org: '3d0c6a1e-8b2f-4e57-a9c4-6f1e2d3c4b5a', env: { TALLY_SECRET_KEY: randomBytes(32).toString('base64') } })
const { cli } = t

let server: NetSuiteTestServer
beforeAll(async () => {
  server = await startNetSuiteTestServer()
})
afterAll(async () => {
  await server?.close()
})

describe('tally erp with NetSuite', () => {
  it('connects from a file, shows the status and syncs; never prints a credential', async () => {
    const { credentials } = server
    const file = join(t.dir, 'netsuite.json')
    const connection = {
      type: 'netsuite',
      tenant_id: server.accountId,
      base_url: server.baseUrl,
      credentials: {
        consumer_key: credentials.consumerKey,
        consumer_secret: credentials.consumerSecret,
        token_id: credentials.tokenId,
        token_secret: credentials.tokenSecret,
      },
      settings: { subsidiary: '1', currencies: 'USD:1,EUR:4' },
      account_map: NETSUITE_CHART_MAP,
    }
    writeFileSync(file, JSON.stringify({ ...connection, credentials: { consumer_key: 'short' } }))
    const refused = await cli(['erp', 'connect', '--file', file])
    expect([refused.code, `${refused.stdout}${refused.stderr}`.includes('Error 400 invalid_credentials')]).toEqual([1, true])

    writeFileSync(file, JSON.stringify(connection))
    const connected = await cli(['erp', 'connect', '--file', file])
    expect(connected.code).toBe(0)
    const id = /^Connected netsuite tenant 1234567_SB1 as (\S+)$/m.exec(connected.stdout)?.[1]
    expect(id).toBeDefined()
    const status = await cli(['erp', 'status', '--connection', id!])
    expect(status.stdout).toContain('netsuite 1234567_SB1: 0 sent, 0 pending, 0 failed')
    expect((await cli(['erp', 'sync', '--connection', id!])).stdout).toContain('Sent 0, to retry 0, failed 0')
    for (const secret of Object.values(credentials)) expect(`${connected.stdout}${status.stdout}`).not.toContain(secret)
  })
})
