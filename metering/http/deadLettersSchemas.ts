// Query and response schemas of GET /v1/dead-letters, declared with its route (deadLettersRoutes.ts).
import { z } from 'zod'

export const deadLetterQuerySchema = z.object({
  error_code: z.enum(['invalid_json', 'invalid_event', 'message_too_large']).optional().describe('Only dead letters with this error code'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Dead letters to return, newest first (1–1000, default 100)'),
})

export const deadLetterResponseSchema = z.object({
  dead_letters: z.array(
    z.object({
      topic: z.string().describe('Topic the message was read from'),
      partition: z.number().int(),
      offset: z.string().describe('Offset in the partition, as a decimal string'),
      line: z
        .number()
        .int()
        .nullable()
        .describe('Line (1-based) of the dead event in a packed record (many events in one message); null when the whole message is dead'),
      key: z.string().describe('Message key (the event id when the gateway produced it)'),
      payload: z.string().describe('The original message value byte for byte, or the dead line of a packed record'),
      payload_encoding: z.enum(['utf8', 'base64']).describe('`base64` when the value was not valid UTF-8'),
      error: z.object({
        code: z.string().describe('`invalid_json`, `invalid_event` or `message_too_large`'),
        message: z.string(),
      }),
      failed_at: z.string().describe('When the worker dead-lettered it, ISO 8601 UTC'),
    }),
  ),
})
