/**
 * @module attacks/suda/kernels — the SUDA kernels workers run (re-exported for the kernel registry).
 */
export { type SudaSearchPayload, type SudaSearchResult, sudaSearch } from './search.js';
