// Help at every level: `tally --help` lists every command, `tally <group> --help` a group's
// commands each with its example, `tally <group> <command> --help` the command's flags.
import type { Command } from './command.ts'
import { TALLY_VERSION } from '../version.ts'

const MORE = [
  'Configuration comes from TALLY_* environment variables; `tally config check` lists them.',
  "Run `tally <group> --help` (e.g. `tally invoices --help`) for a group's commands and examples,",
  "and `tally <command> --help` for a command's flags.",
]

function listing(commands: Command[], name: (c: Command) => string, withExamples: boolean): string[] {
  const width = Math.max(...commands.map((c) => name(c).length))
  return commands.flatMap((c) => [`  ${name(c).padEnd(width)}  ${c.summary}`, ...(withExamples ? [`  ${''.padEnd(width)}  e.g. ${c.example}`] : [])])
}

export function overview(commands: Command[]): string {
  return [
    `tally ${TALLY_VERSION}: usage-based billing on ClickHouse and Postgres`,
    '',
    'Usage: tally <command> [options]',
    '',
    ...listing(commands, (c) => c.path.join(' '), false),
    '',
    ...MORE,
  ].join('\n')
}

/** The commands under `group` (`tally invoices …`); empty when `group` names no group. */
export function groupCommands(commands: Command[], group: string): Command[] {
  return commands.filter((c) => c.path.length > 1 && c.path[0] === group)
}

export function groupHelp(group: string, members: Command[]): string {
  return [
    `Usage: tally ${group} <command> [options]`,
    '',
    'Commands:',
    ...listing(members, (c) => c.path.slice(1).join(' '), true),
    '',
    `Run \`tally ${group} <command> --help\` for a command's flags.`,
  ].join('\n')
}

export function usageLine(command: Command): string {
  return `Usage: tally ${command.path.join(' ')} ${command.usage}`.trimEnd()
}

export function commandHelp(command: Command): string {
  const flags = Object.entries(command.options ?? {}).map(
    ([name, o]) => `--${name}${o.type === 'string' ? ' VALUE' : ''}${o.multiple === true ? ' (repeatable)' : ''}`,
  )
  return [usageLine(command), '', command.summary, '', 'Flags:', ...[...flags, '--help'].map((f) => `  ${f}`), '', 'Example:', `  ${command.example}`].join(
    '\n',
  )
}
