// A search text in a list's query string (`q`): trimmed, at most 200 characters, empty meaning
// no filter. The repositories match it with ILIKE, its `%` and `_` escaped (ledger/containsPattern.ts).
import { z } from 'zod'

/** `whose` completes "Only those whose … contains this text": e.g. 'name, e-mail or external id'. */
export function containsParam(whose: string) {
  return z
    .string()
    .trim()
    .max(200)
    .transform((text) => (text === '' ? undefined : text))
    .optional()
    .describe(`Only those whose ${whose} contains this text, case-insensitively (\`%\` and \`_\` are plain characters; empty: all)`)
}
