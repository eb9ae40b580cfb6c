/**
 * @module attacks/singling-out/normalize — comparing the original and the control at equal size.
 *
 * Whether a predicate isolates exactly one record depends on how many records it is tried on: a
 * predicate matching a fraction w of the population isolates one of n records with probability
 * n·w·(1−w)^(n−1), which grows with n while w < 1/n. Rare predicates therefore "single out" more
 * often in a larger set even when the release taught nothing about it. Giomi et al. (PETS 2023,
 * doi:10.56553/popets-2023-0055) correct the control attack for the different sizes of the original
 * and control sets; this module does it without a model of w: both sets are compared at the size
 * m = min(n_original, n_control) of the smaller one.
 *
 * On the smaller set a predicate succeeds when it matches exactly one record (0 or 1). On the larger
 * set (N records, k of which match) its success is the exact probability that it matches exactly one
 * record of a uniformly random m-subset — the hypergeometric
 *
 *   P(k) = k · C(N−k, m−1) / C(N, m),   P(1) = m/N,   P(k+1) = P(k) · (k+1)/k · (N−k−m+1)/(N−k),
 *
 * i.e. the average over all equal-size subsamples, with no sampling noise. Counting on the larger set
 * stops at the cap K past which P(k) < 1e-12 (the neglected tail is below 1e-10 per predicate).
 * Under no leak both rates then estimate the same thing, whatever the sizes. The price, when the
 * original is the larger (N > m), is that a leak is diluted: a predicate isolating one member
 * isolates one of a random m-subset with probability m/N, so a full copy scores about m/N, not 1.
 * Giving a control at least as large as the original avoids this; the attack warns otherwise.
 *
 * The Wilson interval of the mean of these probabilities over n predicates is taken with n trials:
 * averaging over subsamples can only shrink the variance of each trial, so that interval is
 * conservative.
 */

/** How counts in one set become expected successes at the common size. */
export interface Scale {
  /** Records in the set. */
  rows: number;
  /** The common size m (≤ rows). */
  compareAt: number;
  /** Count matches up to this many (2 when rows = m). */
  cap: number;
  /** P(k) for k = 0 … cap−1; counts ≥ cap contribute 0. */
  success: Float64Array;
}

/** Probabilities below this are treated as 0 when choosing the counting cap. */
const NEGLIGIBLE = 1e-12;

/**
 * The scale for a set of `rows` records compared at size `m`.
 * @param rows - N, records in the set (≥ 1)
 * @param m - the common size, 1 ≤ m ≤ N
 */
export function scaleFor(rows: number, m: number): Scale {
  if (m >= rows) return { rows, compareAt: rows, cap: 2, success: Float64Array.of(0, 1) };
  const p = [0, m / rows];
  // Past the mode (k ≥ N/m) P(k) only falls; stop once it is negligible.
  for (let k = 1; k < rows; k++) {
    const next = (p[k] * ((k + 1) / k) * Math.max(0, rows - k - m + 1)) / (rows - k);
    if (next < NEGLIGIBLE && k + 1 >= rows / m) break;
    p.push(next);
  }
  return { rows, compareAt: m, cap: p.length, success: Float64Array.from(p) };
}

/** Expected successes: Σ over predicates of P(count). */
export function expectedSuccesses(counts: Int32Array, s: Scale): number {
  let sum = 0;
  for (const k of counts) if (k < s.cap) sum += s.success[k];
  return sum;
}
