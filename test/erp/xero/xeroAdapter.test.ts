import { describe, expect, it } from 'vitest'
import { erpContractSuite } from '../erpContractSuite.ts'
import { startXeroPeer } from './xeroPeer.ts'

erpContractSuite({ name: 'xero', start: startXeroPeer })

describe('xero smoke', () => {
  it('starts', async () => {
    const peer = await startXeroPeer()
    expect(peer.server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\.xro\/2\.0$/)
    await peer.close()
  })
})
