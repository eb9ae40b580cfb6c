/**
 * @module attacks/suda/types — what a SUDA2 search shard receives and returns.
 */

/** Input of one search shard (all arrays on shared memory). */
export interface SudaSearchPayload {
  /** Number of quasi-identifier columns (≤ 30: MSUs are reported as column bit masks). */
  m: number;
  /** Largest MSU size searched. */
  maxK: number;
  /** Item id of each (distinct row, column), row-major; ids ≥ nGids are missing (nGids) or wildcards. */
  gids: SharedArrayBuffer;
  /** The same ids column-major (column c's ids start at c × rows). */
  gidsByColumn: SharedArrayBuffer;
  /** Multiplicity of each distinct row: 1 = sample unique, 2 = two or more identical records. */
  mult: SharedArrayBuffer;
  /** Release row of each distinct row (its first occurrence). */
  origin: SharedArrayBuffer;
  /** Top-level items in rank order: item id, CSR offsets, rows (ascending within an item). */
  itemGid: SharedArrayBuffer;
  itemStart: SharedArrayBuffer;
  itemRows: SharedArrayBuffer;
  /** Size of the item-id space (sum of column cardinalities). */
  nGids: number;
  /**
   * Optional pair index over the ranked items: pairId[lo × nItems + hi] (ranks lo < hi) is the id of
   * the pair, or -1 when no row holds both; pairStart / pairRows list each pair's rows (ascending).
   */
  pairId?: SharedArrayBuffer;
  pairStart?: SharedArrayBuffer;
  pairRows?: SharedArrayBuffer;
  /** Column of each item id. */
  colOfGid: SharedArrayBuffer;
  /** Whether wildcard ids (nGids + 1 + column) occur: a wildcard matches every value of its column. */
  wild: boolean;
  /** This shard and the number of shards. */
  task: number;
  tasks: number;
  /** Stop after this many MSUs (the result is then marked truncated). */
  cap: number;
}

/** MSUs found by one shard, in search order. */
export interface SudaSearchResult {
  task: number;
  /** Pairs (release row, column mask) — one per MSU of size ≥ 2. */
  msus: Int32Array;
  truncated: boolean;
  /** Search nodes expanded (sub-tables built). */
  nodes: number;
}
