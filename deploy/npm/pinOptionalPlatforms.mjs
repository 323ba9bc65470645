#!/usr/bin/env node
// chdb lists one optional native package per platform, but the registry serves only
// @chdb/lib-linux-x64-gnu. `npm install` then leaves the others out of package-lock.json and
// `npm ci` refuses the lock as out of sync. This records each missing platform package in
// the lock with its os/cpu, so `npm ci` skips it on every other platform without fetching it.
// Run it after any `npm install` that rewrites package-lock.json: `node deploy/npm/pinOptionalPlatforms.mjs`.
// @duckdb/node-bindings (the files source) needs nothing here: the registry serves all of its
// platform packages, so `npm install` records each in the lock with its os/cpu/libc itself.
import { readFileSync, writeFileSync } from 'node:fs'

const PLATFORMS = {
  '@chdb/lib-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@chdb/lib-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  '@chdb/lib-linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'] },
}

const file = new URL('../../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const chdb = lock.packages['node_modules/chdb']
let added = 0
for (const [name, platform] of Object.entries(PLATFORMS)) {
  const key = `node_modules/${name}`
  const version = chdb.optionalDependencies?.[name]
  if (version === undefined || lock.packages[key] !== undefined) continue
  lock.packages[key] = { version, optional: true, ...platform }
  added++
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.log(added === 0 ? 'package-lock.json already lists every chdb platform package' : `added ${added} chdb platform package(s) to package-lock.json`)
