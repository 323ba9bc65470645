import { z } from 'zod'

/**
 * An instant in a query or body: `2023-05-21 09:30:38.731` (UTC, the reference docs' format),
 * `YYYY-MM-DD` (UTC midnight) or ISO 8601 with Z or an offset. Parsed to a Date.
 */
export const instantParam = z
  .string()
  .transform((text, ctx) => {
    const reference = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/.exec(text)
    const iso = reference === null ? text : `${reference[1]}T${reference[2]}Z`
    const ok = reference !== null || /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)
    const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)
    if (!ok || Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'expected "YYYY-MM-DD HH:mm:ss.SSS" (UTC), YYYY-MM-DD, or ISO 8601 with an offset' })
      return z.NEVER
    }
    return date
  })
  .describe('"YYYY-MM-DD HH:mm:ss.SSS" (UTC), YYYY-MM-DD (UTC midnight) or ISO 8601 with an offset')
