/**
 * @module attacks/linkage/distance-kernels — the distance-linkage kernels workers run (re-exported for
 * the kernel registry): `buildNeighbourIndex` (distinct tuples as a trie, once per reference table) and
 * `neighbourSearch` (exact k-nearest-neighbour branch and bound, one shard of query rows).
 */
export { type BuildIndexPayload, buildNeighbourIndex, type NeighbourIndex } from './distance-index.js';
export {
  type NeighbourSearchPayload,
  type NeighbourSearchStats,
  neighbourSearch,
} from './distance-search.js';
