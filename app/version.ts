import { readFileSync } from 'node:fs'

/** The version in package.json, shown by `tally --version` and in the OpenAPI document. */
export const TALLY_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
