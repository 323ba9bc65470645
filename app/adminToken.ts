import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The operator's admin token: `TALLY_ADMIN_TOKEN` when set, otherwise a token generated once
 * into `<data dir>/admin-token` (mode 0600). The CLI on the same machine reads the same file,
 * so `tally keys create` works against a running `tally start` without extra setup.
 */
export async function resolveAdminToken(opts: { configured?: string; dataDir: string; create: boolean }): Promise<string | null> {
  if (opts.configured !== undefined) return opts.configured
  const file = join(opts.dataDir, 'admin-token')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !opts.create) {
      if (!opts.create) return null
      throw err
    }
  }
  await mkdir(opts.dataDir, { recursive: true })
  const token = 'tadm_' + randomBytes(24).toString('base64url')
  // `wx`: if another process created it first, keep theirs.
  try {
    await writeFile(file, token + '\n', { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim()
    throw err
  }
  await chmod(file, 0o600)
  return token
}
