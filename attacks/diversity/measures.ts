/**
 * @module attacks/diversity/measures — the per-class measures of l-diversity and t-closeness, as pure
 * functions of a class's value counts (the kernels call these; the tests check them by hand).
 *
 * Let a class hold s records whose sensitive values take k distinct values with counts
 * r₁ ≥ r₂ ≥ … ≥ r_k (Σ rᵢ = s). Machanavajjhala, Kifer, Gehrke & Venkitasubramaniam, "l-diversity:
 * privacy beyond k-anonymity", ACM TKDD 1(1):3, 2007, doi:10.1145/1217299.1217302, define
 *
 *   distinct l  = k
 *   entropy l   = exp(H),  H = −Σᵢ (rᵢ/s)·ln(rᵢ/s)      (the class is entropy l-diverse iff l ≤ exp(H))
 *   recursive (c,l)-diversity:  r₁ < c·(r_l + r_{l+1} + … + r_k)
 *
 * and sdcMicro's `ldiversity` (5.8.1, `l_recurs_c`) reports, per record, for its class: k, exp(H) and
 * the LARGEST l in 1…k for which the class is recursive (c,l)-diverse (1 when none, or when k = 1).
 *
 * t-closeness (Li, Li & Venkatasubramanian, "t-closeness: privacy beyond k-anonymity and
 * l-diversity", ICDE 2007, doi:10.1109/ICDE.2007.367856): the Earth Mover's Distance between the
 * class's distribution P and the whole table's Q,
 *
 *   equal distance (categorical):  D = ½ Σᵢ |pᵢ − qᵢ|
 *   ordered distance (numeric, values ranked 1…m):  D = 1/(m−1) · Σ_{i=1}^{m} |Σ_{j≤i} (pⱼ − qⱼ)|
 */

/**
 * Distinct, entropy and recursive l of one class from its value counts.
 * @param counts - count of each distinct value present (all > 0; any order); sorted in place (descending)
 * @param c - the recursive-diversity constant c (sdcMicro's `l_recurs_c`; > 0)
 * @returns distinct l (k), entropy l (exp H) and recursive l (largest l with r₁ < c·Σ_{i≥l} rᵢ, at least 1)
 */
export function lDiversity(
  counts: Float64Array | number[],
  c: number,
): { distinct: number; entropy: number; recursive: number } {
  const k = counts.length;
  let s = 0;
  for (let i = 0; i < k; i++) s += counts[i];
  let h = 0;
  for (let i = 0; i < k; i++) {
    const p = counts[i] / s;
    h -= p * Math.log(p);
  }
  return { distinct: k, entropy: Math.exp(h), recursive: recursiveL(counts, c) };
}

/**
 * The largest l in 1…k for which counts are recursive (c,l)-diverse: r₁ < c·(r_l + … + r_k), with
 * r sorted descending; 1 when no l qualifies or k ≤ 1 (as sdcMicro reports it).
 * @param counts - value counts of a class (sorted in place, descending)
 * @param c - the constant c
 */
export function recursiveL(counts: Float64Array | number[], c: number): number {
  const k = counts.length;
  if (k <= 1) return 1;
  if (counts instanceof Float64Array) counts.sort().reverse();
  else counts.sort((a, b) => b - a);
  const r1 = counts[0];
  // The tail sum grows as l falls, so the first l (from the top) that qualifies is the largest.
  let tail = 0;
  for (let l = k; l >= 2; l--) {
    tail += counts[l - 1];
    if (r1 < c * tail) return l;
  }
  return 1;
}

/**
 * Equal-distance EMD between two distributions over the same values: ½ Σ |pᵢ − qᵢ| (total variation).
 * @param p - the class's distribution
 * @param q - the table's distribution (same length)
 */
export function equalEmd(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) d += Math.abs(p[i] - q[i]);
  return d / 2;
}

/**
 * Ordered-distance EMD between two distributions over m ranked values: 1/(m−1) Σᵢ |Σ_{j≤i} (pⱼ − qⱼ)|;
 * 0 when m ≤ 1. The straightforward O(m) form; the kernel uses an equivalent O(k log m) form per class.
 * @param p - the class's distribution, by rank
 * @param q - the table's distribution, by rank (same length)
 */
export function orderedEmd(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const m = p.length;
  if (m <= 1) return 0;
  let cum = 0;
  let d = 0;
  for (let i = 0; i < m; i++) {
    cum += p[i] - q[i];
    d += Math.abs(cum);
  }
  return d / (m - 1);
}
