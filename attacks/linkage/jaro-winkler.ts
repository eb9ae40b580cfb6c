/**
 * @module attacks/linkage/jaro-winkler — Jaro–Winkler string similarity, over Unicode code points.
 *
 * Jaro (1989, JASA 84:414, doi:10.1080/01621459.1989.10478785): with m matching characters (equal
 * and no farther apart than ⌊max(|a|,|b|)/2⌋ − 1) and t half the number of matched characters out of
 * order,
 *
 *   sim_J = (m/|a| + m/|b| + (m − t)/m) / 3   (0 when m = 0)
 *
 * Winkler (1990, "String comparator metrics and enhanced decision rules in the Fellegi–Sunter model
 * of record linkage", Proc. Section on Survey Research Methods, ASA, 354–359) boosts a common prefix
 * of length ℓ ≤ 4:  sim_JW = sim_J + ℓ · p · (1 − sim_J), with p = 0.1.
 *
 * Characters are code points (a kanji is one character, not three UTF-8 bytes or one of two UTF-16
 * units), so the kernels compare dictionary strings stored as code points on shared memory
 * (strings.ts). `JaroWinkler` reuses its scratch buffers: one per worker, no allocation per pair.
 */

/** Jaro–Winkler over code-point ranges of Int32 arrays, with reusable scratch buffers. */
export class JaroWinkler {
  private used = new Uint8Array(64);
  private matched = new Int32Array(64);

  constructor(private readonly prefixScale = 0.1) {}

  /**
   * Similarity of a[aLo, aHi) and b[bLo, bHi).
   * @returns a value in [0, 1]; 1 for equal sequences (two empty ones included)
   */
  similarity(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number): number {
    const la = aHi - aLo;
    const lb = bHi - bLo;
    let equal = la === lb;
    for (let i = 0; equal && i < la; i++) if (a[aLo + i] !== b[bLo + i]) equal = false;
    if (equal) return 1;
    if (la === 0 || lb === 0) return 0;
    if (this.used.length < lb) this.used = new Uint8Array(lb * 2);
    if (this.matched.length < la) this.matched = new Int32Array(la * 2);
    const used = this.used;
    used.fill(0, 0, lb);
    const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
    let m = 0;
    for (let i = 0; i < la; i++) {
      const lo = Math.max(0, i - window);
      const hi = Math.min(lb - 1, i + window);
      const c = a[aLo + i];
      for (let j = lo; j <= hi; j++) {
        if (!used[j] && b[bLo + j] === c) {
          used[j] = 1;
          this.matched[m++] = i;
          break;
        }
      }
    }
    if (m === 0) return 0;
    let j = 0;
    let outOfOrder = 0;
    for (let x = 0; x < m; x++) {
      while (!used[j]) j++;
      if (a[aLo + this.matched[x]] !== b[bLo + j]) outOfOrder++;
      j++;
    }
    const jaro = (m / la + m / lb + (m - outOfOrder / 2) / m) / 3;
    let l = 0;
    while (l < 4 && l < la && l < lb && a[aLo + l] === b[bLo + l]) l++;
    return jaro + l * this.prefixScale * (1 - jaro);
  }
}

const codePoints = (s: string) => Int32Array.from(s, (c) => c.codePointAt(0)!);

/**
 * Jaro similarity of two strings (by code point).
 * @returns a value in [0, 1]; 1 for equal strings (two empty strings included)
 */
export function jaro(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  return new JaroWinkler(0).similarity(x, 0, x.length, y, 0, y.length);
}

/**
 * Jaro–Winkler similarity of two strings (by code point).
 * @param prefixScale - Winkler's p (default 0.1; at most 0.25 keeps the result ≤ 1)
 * @returns a value in [0, 1]
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const x = codePoints(a);
  const y = codePoints(b);
  return new JaroWinkler(prefixScale).similarity(x, 0, x.length, y, 0, y.length);
}
