/**
 * @module attacks/suda/pairs — an index of the rows holding each pair of ranked items.
 *
 * A witness for an MSU candidate must hold all but one of its items, so it is among the rows holding
 * any two of those items; the shortest such list is usually far shorter than any single item's list.
 */
/** Bounds of the pair index: a dense id table of nItems² entries and the pairs' row lists. */
const MAX_PAIR_TABLE = 1 << 22;
const MAX_PAIR_ROWS = 1 << 25;

/**
 * The rows that hold each pair of ranked items (witness scans read the shortest list that can hold a
 * witness). Skipped (null) when it would be large.
 * @param gids - item ids, row-major (R rows × m columns)
 * @param rank - rank of each item id among the ranked items, or -1
 * @param I - number of ranked items
 */
export function pairIndex(
  gids: Int32Array,
  m: number,
  R: number,
  nGids: number,
  rank: Int32Array,
  I: number,
) {
  if (I * I > MAX_PAIR_TABLE || (R * m * (m - 1)) / 2 > MAX_PAIR_ROWS) return null;
  const id = shared((b) => new Int32Array(b), I * I, 4).fill(-1);
  // Ranks of each row's ranked items, ascending (so a pair's key is lo × I + hi).
  const ranks = new Int32Array(R * m);
  const nRanks = new Int32Array(R);
  let counts = new Int32Array(1024);
  let nPairs = 0;
  for (let r = 0; r < R; r++) {
    let n = 0;
    for (let c = 0; c < m; c++) {
      const g = gids[r * m + c];
      if (g >= nGids || rank[g] < 0) continue;
      let x = n++;
      while (x > 0 && ranks[r * m + x - 1] > rank[g]) {
        ranks[r * m + x] = ranks[r * m + x - 1];
        x--;
      }
      ranks[r * m + x] = rank[g];
    }
    nRanks[r] = n;
    for (let x = 0; x < n; x++) {
      const lo = ranks[r * m + x] * I;
      for (let y = x + 1; y < n; y++) {
        const key = lo + ranks[r * m + y];
        if (id[key] < 0) {
          if (nPairs === counts.length) {
            const grown = new Int32Array(nPairs * 2);
            grown.set(counts);
            counts = grown;
          }
          id[key] = nPairs++;
        }
        counts[id[key]]++;
      }
    }
  }
  const start = shared((b) => new Int32Array(b), nPairs + 1, 4);
  for (let i = 0; i < nPairs; i++) start[i + 1] = start[i] + counts[i];
  const rows = shared((b) => new Int32Array(b), start[nPairs], 4);
  const fill = counts;
  fill.set(start.subarray(0, nPairs));
  for (let r = 0; r < R; r++) {
    const n = nRanks[r];
    for (let x = 0; x < n; x++) {
      const lo = ranks[r * m + x] * I;
      for (let y = x + 1; y < n; y++) rows[fill[id[lo + ranks[r * m + y]]]++] = r;
    }
  }
  return { id, start, rows };
}

/** A typed array of `n` elements on a new SharedArrayBuffer. */
export function shared<T extends Int32Array | Uint8Array>(
  make: (b: SharedArrayBuffer) => T,
  n: number,
  bytes: number,
): T {
  return make(new SharedArrayBuffer(n * bytes));
}
