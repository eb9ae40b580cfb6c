/**
 * @module attacks/suda/kernels — the SUDA kernels workers run (re-exported for the kernel registry).
 */
export { sudaSearch } from './search.js';
export type { SudaSearchPayload, SudaSearchResult } from './types.js';
