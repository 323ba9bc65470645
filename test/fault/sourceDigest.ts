// What code a long fault run really ran. Each worker or server life of a kill test is a new
// process that compiles the working tree's sources as they are at its start, so an edit made
// while a run goes on (the tree is shared) changes the code of the later lives: a run's figure
// belongs to one version of the code only if this digest did not move during the run.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** SHA-256 (hex, first 16 characters) over the path and text of every .ts and .sql file of `paths` (files or folders, relative to `root`). */
export function sourceDigest(root: string, paths: string[]): string {
  const files = paths
    .flatMap((path) =>
      statSync(join(root, path)).isFile()
        ? [path]
        : readdirSync(join(root, path), { recursive: true, withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => relative(root, join(entry.parentPath, entry.name))),
    )
    .filter((path) => /\.(ts|sql)$/.test(path))
    .sort()
  const hash = createHash('sha256')
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0')
  return hash.digest('hex').slice(0, 16)
}
