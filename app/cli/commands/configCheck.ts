import type { Command } from '../command.ts'
import { describeConfig, parseConfig } from '../../../platform/config/load.ts'
import { table } from '../output.ts'

export const configCheckCommand: Command = {
  path: ['config', 'check'],
  summary: 'Validate the TALLY_* environment and print the effective configuration',
  usage: '',
  example: 'TALLY_PORT=8080 tally config check',
  async run(ctx) {
    const result = parseConfig()
    if (!result.ok) {
      ctx.out(`${result.problems.length} configuration problem(s):`)
      for (const p of result.problems) ctx.out(`  ${p.variable}: ${p.message}`)
      return 1
    }
    ctx.out(table(describeConfig(result.config)))
    ctx.out('\nConfiguration is valid.')
  },
}
