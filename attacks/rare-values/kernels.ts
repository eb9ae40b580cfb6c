/**
 * @module attacks/rare-values/kernels — rare code pairs on the pool.
 *
 * For each first code a of the shard (a ≡ shard mod shards) that is not itself rare, every patient
 * holding a is visited through the inverted index and its codes b > a that are not rare are counted
 * in a dense counter; pairs (a, b) with 0 < count < N are rare. Cost: Σ over patients of C(|codes|, 2).
 */
import { tableOf } from '../../src/relational/person-view.js';

export interface RarePairsPayload {
  /** Inverted index (code → patients) and the patients' code sets (CSR). */
  postOffsets: Int32Array;
  postings: Int32Array;
  setOffsets: Int32Array;
  setCodes: Int32Array;
  /** Per code: 1 when the code itself counts (not rare, and in a chosen table). */
  eligible: Uint8Array;
  /** First code of each event table (to tally pairs by table pair). */
  bases: number[];
  threshold: number;
  shard: number;
  shards: number;
}

/**
 * Counts rare pairs whose first code belongs to this shard.
 * @returns rare pairs per (table of a) · tables + (table of b)
 */
export function rarePairs(p: RarePairsPayload): Int32Array {
  const nCodes = p.postOffsets.length - 1;
  const T = p.bases.length;
  const tables = { tables: p.bases.map((base) => ({ base })) };
  const out = new Int32Array(T * T);
  const count = new Int32Array(nCodes);
  const touched = new Int32Array(nCodes);
  for (let a = p.shard; a < nCodes; a += p.shards) {
    if (!p.eligible[a]) continue;
    let nt = 0;
    for (let k = p.postOffsets[a]; k < p.postOffsets[a + 1]; k++) {
      const person = p.postings[k];
      for (let j = p.setOffsets[person + 1] - 1; j >= p.setOffsets[person]; j--) {
        const b = p.setCodes[j];
        if (b <= a) break;
        if (!p.eligible[b]) continue;
        if (count[b]++ === 0) touched[nt++] = b;
      }
    }
    const ta = tableOf(tables, a);
    for (let i = 0; i < nt; i++) {
      const b = touched[i];
      if (count[b] < p.threshold) out[ta * T + tableOf(tables, b)]++;
      count[b] = 0;
    }
  }
  return out;
}
