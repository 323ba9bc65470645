// The counters of the rating runs in progress in this process, per organisation: what
// GET /v1/rating/runs/progress answers and `tally rate` polls while its POST /v1/rating/runs
// runs (contracts done of the total, rate, ETA). In memory: a run is one request of one process.
import { z } from '@hono/zod-openapi'
import type { RatingProgress } from '../execute/ratingRun.ts'

export const ratingProgressJson = z
  .object({
    runs: z.array(
      z.object({
        done: z.number().int(),
        total: z.number().int(),
        invoices: z.number().int(),
        elapsed_seconds: z.number(),
        /** Contracts per second so far. */
        rate: z.number(),
        /** Seconds left at that rate; null before the first contract is done. */
        eta_seconds: z.number().nullable(),
      }),
    ),
  })
  .openapi('RatingProgress')

export type RatingProgressJson = z.infer<typeof ratingProgressJson>

export interface RunProgressRegistry {
  /** Registers a run of `orgId`; `update` records its counters, `end` forgets it. */
  track(orgId: string): { update(p: RatingProgress): void; end(): void }
  current(orgId: string): RatingProgressJson
}

export function createRunProgressRegistry(): RunProgressRegistry {
  const runs = new Map<symbol, { orgId: string; p: RatingProgress | undefined }>()
  return {
    track(orgId) {
      const key = Symbol('run')
      runs.set(key, { orgId, p: undefined })
      return {
        update: (p) => runs.set(key, { orgId, p }),
        end: () => void runs.delete(key),
      }
    },
    current(orgId) {
      return {
        runs: [...runs.values()]
          .filter((r) => r.orgId === orgId && r.p !== undefined)
          .map(({ p }) => {
            const seconds = p!.elapsedMs / 1000
            const rate = seconds > 0 ? p!.done / seconds : 0
            return {
              done: p!.done,
              total: p!.total,
              invoices: p!.invoices,
              elapsed_seconds: Math.round(seconds * 10) / 10,
              rate: Math.round(rate * 10) / 10,
              eta_seconds: rate > 0 ? Math.round(Math.max(0, p!.total - p!.done) / rate) : null,
            }
          }),
      }
    },
  }
}
