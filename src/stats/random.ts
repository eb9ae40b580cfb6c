/**
 * @module stats/random — seeded randomness (house style 7: no Math.random in attacks).
 */

/**
 * A seeded PRNG (mulberry32: 32-bit state, period 2^32; fast and adequate for sampling targets and
 * bootstrap resamples, not for cryptography). Returns floats in [0, 1).
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform sample of k distinct indices from [0, n), in increasing order (partial Fisher–Yates over
 * a sparse map, O(k) memory).
 * @throws RangeError when k > n (callers validate at the boundary)
 */
export function sampleIndices(n: number, k: number, random: () => number): Int32Array {
  if (k > n) throw new RangeError(`cannot sample ${k} of ${n}`);
  const swapped = new Map<number, number>();
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out[i] = vj;
  }
  return out.sort();
}

/** FNV-1a mix of a seed and a label: independent streams per attack, shard or purpose. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
