// The import rules (DESIGN's "may import" table, in eslint.config.js) are proven able to fail:
// ESLint lints fixture sources as if they sat in each folder, and a leak is reported while an
// allowed import is not. The fixtures are text only; no file is written into the tree.
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const eslint = new ESLint({ cwd: root })

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath: `${root}${filePath}` })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('import rules', () => {
  it.each([
    ['platform/x.ts', "import { x } from '../ledger/ledger.ts'"],
    ['platform/http/x.ts', "import { x } from '../../metering/eventRow.ts'"],
    ['platform/x.ts', "import { x } from '../app/buildApi.ts'"],
    ['ledger/x.ts', "import { x } from '../rating/compute/lines.ts'"],
    ['ledger/http/x.ts', "import { x } from '../../sql/metricService.ts'"],
    ['metering/worker/x.ts', "import { x } from '../../ingest/sink/eventSink.ts'"],
    ['sql/x.ts', "import { x } from '../rating/execute/ratingRun.ts'"],
    ['ingest/x.ts', "import { x } from '../ledger/ledger.ts'"],
    ['rating/x.ts', "import { x } from '../metering/eventRow.ts'"],
    ['rating/x.ts', "import { x } from '../app/services.ts'"],
    ['rating/x.ts', "export { x } from '../ingest/catalog.ts'"],
    ['console/x.ts', "import { x } from '../app/buildApi.ts'"],
    ['ledger/x.ts', "import { x } from '../console/consoleApp.tsx'"],
  ])('%s may not: %s', async (file, source) => {
    const errors = await importErrors(file, source)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('may import only')
  })

  it.each([
    ['platform/http/x.ts', "import { x } from '../logger.ts'"],
    ['ingest/x.ts', "import { x } from '../metering/eventRow.ts'"],
    ['sql/x.ts', "import { x } from '../metering/eventRow.ts'"],
    ['rating/execute/x.ts', "import { x } from '../../ledger/ratingStore.ts'"],
    ['rating/x.ts', "import { x } from '../sql/metricService.ts'"],
    ['ledger/x.ts', "import { x } from '../platform/errors.ts'"],
    ['app/x.ts', "import { x } from '../rating/execute/ratingRun.ts'"],
    ['test/x.ts', "import { x } from '../app/services.ts'"],
    ['ledger/x.test.ts', "import { x } from '../rating/compute/lines.ts'"],
    ['console/pages/x.tsx', "import type { x } from '../../ledger/http/invoiceSchemas.ts'"],
    ['console/client/x.ts', "import type { x } from '../../sql/http/metricSchemas.ts'"],
    ['console/x.ts', "import type { x } from '../platform/logger.ts'"],
    ['app/x.ts', "import { x } from '../console/consoleApp.tsx'"],
  ])('%s may: %s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([])
  })

  it.each([
    ['rating/execute/x.ts', "import { x } from '../../ledger/ledger.ts'"],
    ['rating/http/x.ts', "import type { x } from '../../ledger/schema/contracts.ts'"],
    ['rating/http/x.ts', "import { x } from '../../ledger/http/invoiceJson.ts'"],
  ])('%s reaches the ledger only through its port, not: %s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([expect.stringContaining('only through ledger/ratingStore.ts')])
  })

  it.each([
    ['console/x.ts', "import { x } from '../ledger/ledger.ts'"],
    ['console/pages/x.tsx', "import type { x } from '../../sql/metricService.ts'"],
    ['console/x.ts', "import { x } from '../rating/http/catalogRoutes.ts'"],
  ])('%s works over the API: only the HTTP schema files, not: %s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([expect.stringContaining('only through their HTTP schema files')])
  })

  it('a dynamic import() below app/ is refused, since the rules cannot see it', async () => {
    const errors = await importErrors('platform/x.ts', "const x = await import('../ledger/ledger.ts')")
    expect(errors).toEqual([expect.stringContaining('Import statically')])
    expect(await importErrors('app/cli/x.ts', "const x = await import('../../ledger/ledger.ts')")).toEqual([])
  })
})
