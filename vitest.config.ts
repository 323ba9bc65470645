import { defineConfig } from 'vitest/config'

// NOTE: chDB binds one data directory per process, so every test file runs in its own
// forked process (`pool: 'forks'`, no isolation sharing) and opens its own directory.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tally/**', 'test/bench/results/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
})
