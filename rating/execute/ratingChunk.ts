// A chunk of a page's contracts, written together: one transaction holding their row locks, the
// drafts, lines and finalizations in multi-row statements (ledger/invoiceDraftBatch.ts). A
// contract whose rating throws is discarded from the chunk and reported alone. When the chunk's
// transaction fails (a write the database refuses, a lock timeout, a posting that fails), nothing
// of it is kept and the chunk is rated again one contract per transaction, the path a reissue
// takes, so one bad contract never costs the others their invoices.
import type { Contract, CurrencyTable, RatingStore } from '../../ledger/ratingStore.ts'
import { failedResult, rateContract, type ContractResult, type RateContractInput } from './rateContract.ts'
import type { FetchedUsage, Work } from './rateScheduledInvoice.ts'
import type { ThresholdWork } from './thresholdInvoice.ts'

/** Contracts per transaction of a run (RatingRunOptions.chunkSize). */
export const DEFAULT_CHUNK_SIZE = 200

export interface ChunkInput {
  ledger: Pick<RatingStore, 'invoiceDrafts'>
  /** The chunk's contracts that have work or a threshold to check, in page (id) order. */
  contracts: readonly { contract: Contract; work: readonly Work[]; threshold?: ThresholdWork | null; currencies: CurrencyTable }[]
  fetched: FetchedUsage
  graceHours: number
  asOf: Date
  now: () => Date
  signal?: AbortSignal
  /** After each contract priced (its writes may still be held): the results so far of this chunk. */
  onContract?: (results: readonly ContractResult[]) => void
}

export interface ChunkOutcome {
  results: ContractResult[]
  /** `signal` stopped the chunk between two contracts; what was rated before is written. */
  interrupted: boolean
  /** The chunk's transaction failed and it was rated contract by contract. */
  fellBack: boolean
}

export async function rateChunk(input: ChunkInput): Promise<ChunkOutcome> {
  if (input.contracts.length === 0) return { results: [], interrupted: false, fellBack: false }
  const step = (c: ChunkInput['contracts'][number]): Omit<RateContractInput, 'session'> => ({
    contract: c.contract,
    work: c.work,
    threshold: c.threshold ?? null,
    fetched: input.fetched,
    graceHours: input.graceHours,
    asOf: input.asOf,
    now: input.now,
    currencies: c.currencies,
  })
  try {
    return await input.ledger.invoiceDrafts.withContractLocks(
      input.contracts.map((c) => ({ orgId: c.contract.orgId, id: c.contract.id })),
      async (batch) => {
        const results: ContractResult[] = []
        for (const c of input.contracts) {
          if (input.signal?.aborted) return { results, interrupted: true, fellBack: false }
          try {
            results.push(await rateContract({ ...step(c), session: batch.session(c.contract.id) }))
          } catch (err) {
            batch.discard(c.contract.id)
            results.push(failedResult(c.contract.id, err))
          }
          input.onContract?.(results)
        }
        return { results, interrupted: false, fellBack: false }
      },
    )
  } catch {
    // NOTE: the chunk's error is not reported as such: each contract rated alone below either
    // succeeds or reports its own error, which names the contract at fault.
    const results: ContractResult[] = []
    for (const c of input.contracts) {
      if (input.signal?.aborted) return { results, interrupted: true, fellBack: true }
      try {
        results.push(await input.ledger.invoiceDrafts.withContractLock(c.contract.orgId, c.contract.id, (session) => rateContract({ ...step(c), session })))
      } catch (err) {
        results.push(failedResult(c.contract.id, err))
      }
      input.onContract?.(results)
    }
    return { results, interrupted: false, fellBack: true }
  }
}
