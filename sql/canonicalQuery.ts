// The only door through which a template's text reaches ClickHouse: as the bound String
// parameter of `formatQuery`. ClickHouse parses it without executing anything, refuses more
// than one statement (even one hidden behind Unicode quotes, which its lexer reads as quotes)
// and answers with its own single-statement re-serialisation: comments gone, every string
// re-escaped, every name quoted the way its parser read it. From here on only that text is
// inspected, composed and run, so Tally never has to agree with ClickHouse on how the user's
// text splits into strings, names and comments (verified on chDB 26.7).
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { engineError } from '../platform/clickhouse/engineError.ts'
import { checkSettings, type SandboxLimits } from './sandbox.ts'
import { positionOf } from './textWalls.ts'

export type CanonicalResult = { ok: true; text: string } | { ok: false; code: string; message: string; line?: number; column?: number }

export async function canonicalQuery(handle: ClickHouseHandle, text: string, limits: SandboxLimits): Promise<CanonicalResult> {
  try {
    const rs = await handle.client.query({
      query: `SELECT formatQuery({text:String}) AS canonical SETTINGS ${checkSettings(limits)}`,
      query_params: { text },
      format: 'JSONEachRow',
    })
    const rows = await rs.json<{ canonical: string }>()
    return { ok: true, text: rows[0]!.canonical }
  } catch (err) {
    const engine = engineError(err)
    if (engine === null) throw toClickHouseError(err, 'formatQuery')
    return { ok: false, code: engine.code === '62' ? 'syntax_error' : 'invalid_query', ...describe(engine.message, text) }
  }
}

/**
 * The engine's message without its echo of the statement (`In scope SELECT formatQuery(…)`),
 * and the line and column in the user's text: ClickHouse counts a 1-based byte position.
 */
function describe(message: string, text: string): { message: string; line?: number; column?: number } {
  const clean = message.replace(/[.:\s]*In scope SELECT formatQuery\([\s\S]*$/, '').trim()
  const at = /failed at position (\d+)/.exec(clean)
  if (at === null) return { message: clean }
  const offset = Buffer.from(text, 'utf8')
    .subarray(0, Number(at[1]) - 1)
    .toString('utf8').length
  return { message: clean, ...positionOf(text, offset) }
}
