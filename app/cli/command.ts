import type { ParseArgsConfig } from 'node:util'
import type { Config } from '../../platform/config/schema.ts'
import type { Logger } from '../../platform/logger.ts'
import type { Out } from './output.ts'

export interface CommandContext {
  /** Parsed flags (`--org X` → `values.org`). */
  values: Record<string, string | boolean | undefined>
  positionals: string[]
  /** Parses the configuration; throws a ConfigError listing every problem. */
  config(): Config
  logger(): Logger
  out: Out
}

export interface Command {
  /** Words after `tally`, e.g. `['keys', 'create']`. */
  path: string[]
  summary: string
  /** Shown by `tally <command> --help`, after the command words. */
  usage: string
  /** A whole command line that works as written (given $ORG and the like), shown in every help. */
  example: string
  options?: ParseArgsConfig['options']
  run(ctx: CommandContext): Promise<number | void>
}

/** Reads a required flag or throws a usage error naming it. */
export function required(ctx: CommandContext, flag: string): string {
  const value = ctx.values[flag]
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`)
  return value
}

/** Reads the first positional argument or throws a usage error with `hint` (what to give). */
export function requiredArgument(ctx: CommandContext, hint: string): string {
  const value = ctx.positionals[0]
  if (value === undefined || value === '') throw new UsageError(hint)
  return value
}

export class UsageError extends Error {}
