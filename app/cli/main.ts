import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../platform/config/load.ts'
import type { Config } from '../../platform/config/schema.ts'
import { createLogger, type Logger } from '../../platform/logger.ts'
import { DataDirBusyError } from '../dataDirLock.ts'
import { TALLY_VERSION } from '../version.ts'
import { ApiError } from './apiClient.ts'
import { type Command, type CommandContext, UsageError } from './command.ts'
import { commands } from './commands/index.ts'
import { commandHelp, groupCommands, groupHelp, overview, usageLine } from './help.ts'

const out = (line: string) => process.stdout.write(line + '\n')

function find(argv: string[]): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null
  for (const command of commands) {
    if (command.path.every((word, i) => argv[i] === word) && (best === null || command.path.length > best.command.path.length)) {
      best = { command, rest: argv.slice(command.path.length) }
    }
  }
  return best
}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h')

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help']
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    out(overview(commands))
    return 0
  }
  if (argv[0] === '--version') {
    out(TALLY_VERSION)
    return 0
  }
  const found = find(argv)
  if (found === null) {
    const members = groupCommands(commands, argv[0]!)
    if (members.length === 0) {
      process.stderr.write(`Unknown command: tally ${argv.join(' ')}\n\n${overview(commands)}\n`)
      return 2
    }
    // `tally invoices --help` lists the group; the group alone, or with a word it lacks, is a
    // usage error that shows the same list.
    if (wantsHelp(argv.slice(1, 2))) {
      out(groupHelp(argv[0]!, members))
      return 0
    }
    const problem = argv[1] === undefined ? `tally ${argv[0]} needs a command` : `Unknown command: tally ${argv.join(' ')}`
    process.stderr.write(`${problem}\n\n${groupHelp(argv[0]!, members)}\n`)
    return 2
  }
  const { command, rest } = found
  const usage = usageLine(command)
  if (wantsHelp(rest)) {
    out(commandHelp(command))
    return 0
  }
  let config: Config | undefined
  let logger: Logger | undefined
  try {
    const parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true })
    const ctx: CommandContext = {
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      config: () => (config ??= loadConfig()),
      // CLI commands log only warnings unless TALLY_LOG_LEVEL asks for more; `start` logs at info.
      logger: () => (logger ??= createLogger(command.path[0] === 'start' ? (config ??= loadConfig()).logLevel : 'warn')),
      out,
    }
    return (await command.run(ctx)) ?? 0
  } catch (err) {
    return report(err, usage)
  }
}

function report(err: unknown, usage: string): number {
  const write = (s: string) => process.stderr.write(s + '\n')
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    write(`${(err as Error).message}\n${usage}`)
    return 2
  }
  if (err instanceof ConfigError || err instanceof DataDirBusyError) {
    write(err.message)
    return 1
  }
  if (err instanceof ApiError) {
    const e = err.body.error
    write(`Error ${err.status} ${e?.code ?? ''}: ${err.message}`)
    if (e?.hint) write(`Hint: ${e.hint}`)
    for (const d of e?.details ?? []) write(`  ${JSON.stringify(d)}`)
    return 1
  }
  write(`Error: ${(err as Error).message ?? String(err)}`)
  return 1
}

const code = await main(process.argv.slice(2))
// chDB and pg pools may hold the event loop open after a one-shot command; every store is closed by now.
process.exit(code)
