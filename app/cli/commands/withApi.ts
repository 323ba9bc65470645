import type { CommandContext } from '../command.ts'
import { connectApi, type ApiClient } from '../apiClient.ts'

/** Runs `fn` with an API client and always closes it (in-process stores included). */
export async function withApi<T>(ctx: CommandContext, fn: (api: ApiClient) => Promise<T>): Promise<T> {
  const api = await connectApi(ctx.config(), ctx.logger())
  try {
    return await fn(api)
  } finally {
    await api.close()
  }
}
