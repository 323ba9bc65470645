#!/usr/bin/env node
// Entry point of the `tally` CLI. The sources are TypeScript run through tsx's loader, so
// there is no build step between a clone and a running Tally.
import { register } from 'tsx/esm/api'

register()
await import('../app/cli/main.ts')
