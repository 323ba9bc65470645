// Help at every level, through the real `tally` binary: each command group lists its commands
// with a one-line description and an example, each command shows its flags, and a group word
// without a command (or with a wrong one) is a usage error that shows the group instead of
// "Unknown command" and the whole list.
import { describe, expect, it } from 'vitest'
import { commands } from '../../app/cli/commands/index.ts'
import { runTally } from '../support/tallyProcess.ts'

const groups = [...new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0]!))]

describe('tally help', () => {
  it('every command has an example that starts with its own words', () => {
    for (const c of commands) expect(c.example).toMatch(new RegExp(`(^|\\s)tally ${c.path.join(' ')}( |$)`))
  })

  it.each(groups)('`tally %s --help` lists its commands, each with its description and example', async (group) => {
    const r = await runTally([group, '--help'], {})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Usage: tally ${group} <command>`)
    for (const c of commands.filter((c) => c.path[0] === group && c.path.length > 1)) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c.path.slice(1).join(' ')}\\s+${escape(c.summary)}$`, 'm'))
      expect(r.stdout).toContain(`e.g. ${c.example}`)
    }
  })

  it('`tally help invoices` is `tally invoices --help`', async () => {
    const [a, b] = await Promise.all([runTally(['help', 'invoices'], {}), runTally(['invoices', '--help'], {})])
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
  })

  it('`tally invoices pdf --help` shows its flags and an example', async () => {
    const r = await runTally(['invoices', 'pdf', '--help'], {})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: tally invoices pdf --org ORG_ID INVOICE_ID')
    expect(r.stdout).toMatch(/^Flags:\n {2}--org VALUE\n {2}--out VALUE\n {2}--help$/m)
    expect(r.stdout).toContain('Example:\n  tally invoices pdf --org $ORG $INVOICE_ID --out invoice.pdf')
  })

  it('a repeatable flag says so', async () => {
    const r = await runTally(['raw-metrics', 'create', '--help'], {})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  --field VALUE (repeatable)')
  })

  it('a group without a command, or with a wrong one, is a usage error showing the group', async () => {
    const bare = await runTally(['invoices'], {})
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('tally invoices needs a command')
    expect(bare.stderr).toContain('e.g. tally invoices finalize')
    const typo = await runTally(['invoices', 'finalise'], {})
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('Unknown command: tally invoices finalise')
    expect(typo.stderr).toContain('Usage: tally invoices <command>')
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
