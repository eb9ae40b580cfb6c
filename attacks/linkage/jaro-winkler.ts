/**
 * @module attacks/linkage/jaro-winkler — Jaro–Winkler string similarity.
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
 * Linkage kernels see dictionary codes, never strings, so this comparator is not applied to pairs
 * there; it is provided (and tested) for a per-column code-similarity table computed where the
 * strings are (see the attack's method note).
 */

/**
 * Jaro similarity of two strings (by UTF-16 code unit).
 * @returns a value in [0, 1]; 1 for equal strings (two empty strings included)
 */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const usedB = new Uint8Array(b.length);
  const matchedA: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!usedB[j] && a[i] === b[j]) {
        usedB[j] = 1;
        matchedA.push(i);
        break;
      }
    }
  }
  const m = matchedA.length;
  if (m === 0) return 0;
  let j = 0;
  let outOfOrder = 0;
  for (const i of matchedA) {
    while (!usedB[j]) j++;
    if (a[i] !== b[j]) outOfOrder++;
    j++;
  }
  const t = outOfOrder / 2;
  return (m / a.length + m / b.length + (m - t) / m) / 3;
}

/**
 * Jaro–Winkler similarity.
 * @param a - first string
 * @param b - second string
 * @param prefixScale - Winkler's p (default 0.1; at most 0.25 keeps the result ≤ 1)
 * @returns a value in [0, 1]
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1): number {
  const j = jaro(a, b);
  let l = 0;
  while (l < 4 && l < a.length && l < b.length && a[l] === b[l]) l++;
  return j + l * prefixScale * (1 - j);
}
