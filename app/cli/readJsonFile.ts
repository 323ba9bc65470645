// A request body read from a JSON file (`--file`): how commands take credentials, which must not
// sit on the command line (shell history, process list).
import { readFile } from 'node:fs/promises'
import { UsageError } from './command.ts'

export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new UsageError(`--file ${file}: ${(err as Error).message}`)
  }
}
