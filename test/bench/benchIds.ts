// Fixed identities of the benchmark's organisation, key and metric (every server seeds them).
export const BENCH_ORG = '7a1c0f3e-5b2d-4c8e-9f10-b3e4d5c6a7b8'
export const BENCH_KEY = 'tly_bench_key_0123456789abcdefghijkl'
export const BENCH_METRIC = 'llm_tokens'
/** The freshness probe's events go to this customer, so its count is the probe's alone. */
export const PROBE_CUSTOMER = 'bench-probe'
