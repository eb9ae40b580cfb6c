/**
 * @module attacks/uniqueness/kernels — pure kernels for equivalence classes over quasi-identifiers.
 *
 * Grouping runs in rounds. `composeKeys` packs several columns' codes into one exact integer key per
 * row (mixed radix, kept below 2^53 so a Float64 holds it exactly). `groupKeys` turns keys into class
 * ids: worker p owns the keys whose hash falls in partition p, numbers them locally, and writes the
 * global id local·P + p — so no merge step is needed and the class structure is the same whatever P
 * is. When more columns remain than fit in 2^53, the ids of one round are the first digit of the
 * next round's keys.
 */
import { CODE_OFFSET } from '../../src/encode/types.js';
import { KeyIndex, partitionOf } from '../shared/key-index.js';

/** One column's contribution to a composite key. */
export interface KeyPart {
  /** Int32 codes (+ CODE_OFFSET makes the digit, so missing and wildcard codes are their own tokens). */
  codes: SharedArrayBuffer;
  /** cardinality + CODE_OFFSET */
  radix: number;
}

export interface ComposeKeysPayload {
  parts: KeyPart[];
  /** Ids from a previous round, used as the leading digit. */
  prev?: SharedArrayBuffer;
  /** Float64 output, one key per row. */
  out: SharedArrayBuffer;
  start: number;
  end: number;
}

/** Writes the composite key of rows [start, end) into `out`. */
export function composeKeys(p: ComposeKeysPayload): number {
  const out = new Float64Array(p.out);
  const prev = p.prev ? new Int32Array(p.prev) : null;
  const cols = p.parts.map((k) => new Int32Array(k.codes));
  const radix = p.parts.map((k) => k.radix);
  for (let i = p.start; i < p.end; i++) {
    let key = prev ? prev[i] : 0;
    for (let j = 0; j < cols.length; j++) key = key * radix[j] + (cols[j][i] + CODE_OFFSET);
    out[i] = key;
  }
  return p.end - p.start;
}

export interface GroupKeysPayload {
  keys: SharedArrayBuffer;
  /** Int32 output: class id per row (written only for this partition's rows). */
  ids: SharedArrayBuffer;
  part: number;
  parts: number;
}

export interface GroupKeysResult {
  part: number;
  /** Size of each local class, indexed by local id. */
  sizes: Int32Array;
}

/** Numbers the distinct keys of one hash partition and counts their rows. */
export function groupKeys(p: GroupKeysPayload): GroupKeysResult {
  const keys = new Float64Array(p.keys);
  const ids = new Int32Array(p.ids);
  const index = new KeyIndex(Math.min(keys.length, 1 << 16));
  let sizes = new Int32Array(1024);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (partitionOf(k, p.parts) !== p.part) continue;
    const local = index.idOf(k);
    if (local >= sizes.length) {
      const grown = new Int32Array(sizes.length * 2);
      grown.set(sizes);
      sizes = grown;
    }
    sizes[local]++;
    ids[i] = local * p.parts + p.part;
  }
  return { part: p.part, sizes: sizes.slice(0, index.size) };
}

export interface PairUniquesPayload {
  columns: KeyPart[];
  /** Column index pairs to test. */
  pairs: Array<[number, number]>;
}

/** For each pair of columns, the number of records unique on that pair's values alone. */
export function pairUniques(p: PairUniquesPayload): number[] {
  const cols = p.columns.map((c) => new Int32Array(c.codes));
  const n = cols.length > 0 ? cols[0].length : 0;
  return p.pairs.map(([a, b]) => {
    const ca = cols[a];
    const cb = cols[b];
    const ra = p.columns[a].radix;
    const index = new KeyIndex(Math.min(n, 1 << 16));
    let sizes = new Int32Array(1024);
    for (let i = 0; i < n; i++) {
      const id = index.idOf(ca[i] + CODE_OFFSET + ra * (cb[i] + CODE_OFFSET));
      if (id >= sizes.length) {
        const grown = new Int32Array(sizes.length * 2);
        grown.set(sizes);
        sizes = grown;
      }
      sizes[id]++;
    }
    let uniques = 0;
    for (let k = 0; k < index.size; k++) if (sizes[k] === 1) uniques++;
    return uniques;
  });
}
