/**
 * @module attacks/linkage/strings — the dictionary strings of categorical QIs as Fellegi–Sunter
 * kernels read them for Jaro–Winkler comparison: per column, every dictionary value's code points in
 * one shared Int32Array with CSR offsets (code c's characters are points[offsets[c] … offsets[c+1])).
 *
 * Dictionaries, not rows: a column of a million rows with 20 distinct values costs 20 strings. The
 * similarity of a pair is computed in the worker when the pair is compared (and cached per target
 * and released code there), which costs O(pairs compared) rather than the O(target codes × released
 * codes) of a precomputed table; the bench (BENCHMARKS.md) has both figures.
 *
 * Generalized released values (intervals, masks, hierarchy nodes, `*`) are flagged: their spelling
 * says nothing about a typo, so they are never compared by similarity.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { AttackContext } from '../types.js';
import type { LinkageData } from './prepare.js';

/** One column's dictionary as code points (postable: shared memory). */
export interface FieldStrings {
  offsets: Int32Array;
  points: Int32Array;
  /** Per code: 1 when it is a generalized released value (never compared by similarity). */
  generalized: Uint8Array;
}

const cache = new WeakMap<LinkageData, Array<FieldStrings | null>>();

/**
 * Per field of `data`: its dictionary strings for Jaro–Winkler when the field is categorical, else null.
 * Cached per prepared linkage data.
 * @param ctx - the attack context (dictionaries live in the main thread, on the release)
 * @param data - the prepared linkage data
 */
export function fieldStrings(ctx: AttackContext, data: LinkageData): Array<FieldStrings | null> {
  const hit = cache.get(data);
  if (hit) return hit;
  const out = data.fields.map((f) => {
    if (f.kind !== 'categorical') return null;
    const dict = ctx.release.dictionaries.get(f.name) ?? ctx.linkage?.targets.dictionaries.get(f.name);
    if (!dict) return null;
    const n = f.cardinality;
    const offsets = sharedInt32(n + 1);
    let total = 0;
    const chars: Int32Array[] = [];
    for (let c = 0; c < n; c++) {
      const s = dict[c] ?? '';
      const cp = Int32Array.from(s, (ch) => ch.codePointAt(0)!);
      chars.push(cp);
      total += cp.length;
      offsets[c + 1] = total;
    }
    const points = sharedInt32(total);
    for (let c = 0; c < n; c++) points.set(chars[c], offsets[c]);
    const generalized = new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
    const gen = ctx.linkage?.compat.get(f.name)?.generalized;
    if (gen) for (const g of gen) if (g >= 0 && g < n) generalized[g] = 1;
    return { offsets, points, generalized };
  });
  cache.set(data, out);
  return out;
}
