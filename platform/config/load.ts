import { configKeys, configSchema, envName, type Config } from './schema.ts'

export interface ConfigProblem {
  variable: string
  message: string
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] }

/**
 * Parses the `TALLY_*` variables of an environment once. Every problem is reported, not
 * only the first, so `tally config check` can print them all at once.
 */
export function parseConfig(env: Record<string, string | undefined> = process.env): ConfigResult {
  const input: Record<string, string> = {}
  for (const key of configKeys) {
    const value = env[envName(key)]
    // An empty variable means "unset": `TALLY_CLICKHOUSE_URL=` must not select HTTP mode.
    if (value !== undefined && value !== '') input[key] = value
  }
  const unknown = Object.keys(env).filter((name) => name.startsWith('TALLY_') && !configKeys.some((key) => envName(key) === name))
  const parsed = configSchema.safeParse(input)
  const problems: ConfigProblem[] = unknown.map((variable) => ({
    variable,
    message: 'unknown variable (a typo?); known ones are listed by `tally config check`',
  }))
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ variable: envName(String(issue.path[0] ?? '')), message: issue.message })
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems }
  return { ok: true, config: parsed.data }
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'))
    this.name = 'ConfigError'
  }
}

/** Parses or throws a `ConfigError` listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = parseConfig(env)
  if (!result.ok) throw new ConfigError(result.problems)
  return result.config
}

/** Describes every variable for `tally config check`: name, current value (secrets masked), default. */
export function describeConfig(config: Config): Array<{ variable: string; value: string }> {
  const secret = new Set(['bootstrapApiKey', 'adminToken', 'databaseUrl', 'clickhouseUrl'])
  // NOTE: not even a prefix of the encryption key is shown.
  const hidden = new Set(['secretKey'])
  return configKeys.map((key) => {
    const value = config[key as keyof Config]
    const shown = value === undefined ? '(unset)' : hidden.has(key) ? '(set)' : secret.has(key) ? maskSecret(String(value)) : String(value)
    return { variable: envName(key), value: shown }
  })
}

function maskSecret(value: string): string {
  // URLs keep their host so the operator sees where Tally will connect; passwords never show.
  try {
    const url = new URL(value)
    if (url.password) url.password = '****'
    if (url.protocol.startsWith('http') || url.protocol.startsWith('postgres')) return url.toString()
  } catch {
    // not a URL: fall through
  }
  return value.slice(0, 4) + '…'
}
