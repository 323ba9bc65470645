// `npx tsx test/erp/xero/serveXero.ts CONNECTION.json [port]`: the Xero test server as a
// process, for trying `tally erp` by hand (the README's ERP walkthrough). It writes the
// connection file `tally erp connect` takes (base URL, token URL, tenant, the OAuth2 client and
// the first token pair, an account map for Tally's default chart), then prints one line per
// request Xero receives, until Ctrl-C.
import { writeFileSync } from 'node:fs'
import type { XeroAccount } from './xeroBooks.ts'
import { DEFAULT_ACCOUNTS, startXeroTestServer } from './xeroTestServer.ts'

/** Xero accounts for every account of Tally's default chart but AR (610, which Xero keeps to invoices and payments). */
const ACCOUNTS: XeroAccount[] = [
  ...DEFAULT_ACCOUNTS,
  { Code: '620', Type: 'CURRENT' },
  { Code: '840', Type: 'CURRLIAB' },
  { Code: '270', Type: 'REVENUE' },
  { Code: '290', Type: 'REVENUE' },
  { Code: '860', Type: 'EXPENSE' },
]
const ACCOUNT_MAP = {
  '1000': '090',
  '1150': '620',
  '2100': '835',
  '2200': '840',
  '2300': '820',
  '4000': '200',
  '4100': '260',
  '4200': '270',
  '4900': '290',
  '6900': '860',
}

const [file, port] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: npx tsx test/erp/xero/serveXero.ts CONNECTION.json [port]')
  process.exit(2)
}
const server = await startXeroTestServer({ accounts: ACCOUNTS, port: Number(port ?? 0) })
const connection = {
  type: 'xero',
  tenant_id: server.tenantId,
  base_url: server.baseUrl,
  credentials: {
    client_id: server.clientId,
    client_secret: server.clientSecret,
    access_token: server.initialTokens.accessToken,
    refresh_token: server.initialTokens.refreshToken,
    expires_at: server.initialTokens.expiresAt,
  },
  settings: { base_currency: 'USD', token_url: server.tokenUrl },
  account_map: ACCOUNT_MAP,
}
writeFileSync(file, `${JSON.stringify(connection, null, 2)}\n`)
console.log(`Xero test server at ${server.baseUrl}; wrote the connection to ${file}`)
let printed = 0
const timer = setInterval(() => {
  for (const r of server.requests.slice(printed)) console.log(`xero: ${r.method} ${r.path} → ${r.status}`)
  printed = server.requests.length
}, 100)
process.on('SIGINT', () => {
  clearInterval(timer)
  void server.close().then(() => process.exit(0))
})
