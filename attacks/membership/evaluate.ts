/**
 * @module attacks/membership/evaluate — held-out figures of each score and their bootstrap intervals.
 *
 * The targets are split into halves A and B (each with half of the members and half of the
 * non-members, targets.ts). Thresholds are never chosen on the targets they are evaluated on: the
 * TPR-at-FPR and advantage thresholds are chosen on A and read on B, chosen on B and read on A, and
 * the two held-out figures are averaged (two-fold cross-fitting). The AUC needs no threshold and uses
 * every target. An FPR α below 1/N_h (N_h the non-members of the smaller half) cannot be resolved: α
 * is then raised to 1/N_h and the caller reports it.
 *
 * Intervals: stratified percentile bootstrap (Efron & Tibshirani 1993, *An Introduction to the
 * Bootstrap*, ch. 13): each replicate redraws, with replacement, the members and the non-members of
 * each half (weights = multiplicities), recomputes thresholds and figures, and the 2.5% and 97.5%
 * quantiles of the replicates bound the figure. Replicate r draws from its own seeded stream, the
 * same for every score (paired), and replicates are sharded over the pool: results do not depend on
 * the number of workers.
 */
import { ranges, type WorkerPool } from '../../src/pool/pool.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import {
  auc,
  type Curve,
  curve,
  type Ranked,
  rank,
  ratesAt,
  thresholdAtFpr,
  thresholdMaxAdvantage,
} from '../../src/stats/roc.js';

/** Figures per score, in this order: auc, advantage, then per α its TPR, then per α its realized FPR. */
export const AUC = 0;
export const ADVANTAGE = 1;
export const TPR0 = 2;

/** One score's ranked targets: all, half A, half B. */
export interface RankedScore {
  all: Ranked;
  a: Ranked;
  b: Ranked;
}

export interface BootstrapPayload {
  ranked: RankedScore[];
  /** Targets of each stratum (half × class). */
  strata: Int32Array[];
  alphas: number[];
  seed: number;
  from: number;
  to: number;
}

/** Number of figures per score for `nAlpha` FPR levels. */
export const nFigures = (nAlpha: number) => 2 + 2 * nAlpha;

/** The held-out figures of one score under target weights `w`. */
export function figures(s: RankedScore, w: Float64Array, alphas: readonly number[]): Float64Array {
  const out = new Float64Array(nFigures(alphas.length));
  out[AUC] = auc(curve(s.all, w));
  const a = curve(s.a, w);
  const b = curve(s.b, w);
  const held = (pick: (c: Curve) => number) => {
    const ab = ratesAt(b, pick(a));
    const ba = ratesAt(a, pick(b));
    return { tpr: (ab.tpr + ba.tpr) / 2, fpr: (ab.fpr + ba.fpr) / 2 };
  };
  const adv = held(thresholdMaxAdvantage);
  out[ADVANTAGE] = adv.tpr - adv.fpr;
  alphas.forEach((alpha, j) => {
    const f = held((c) => thresholdAtFpr(c, alpha));
    out[TPR0 + j] = f.tpr;
    out[TPR0 + alphas.length + j] = f.fpr;
  });
  return out;
}

/** Kernel: figures of every score for bootstrap replicates [from, to), replicate-major. */
export function bootstrapReplicates(p: BootstrapPayload): Float64Array {
  const F = nFigures(p.alphas.length);
  const n = p.ranked[0].all.order.length;
  const out = new Float64Array((p.to - p.from) * p.ranked.length * F);
  const w = new Float64Array(n);
  for (let r = p.from; r < p.to; r++) {
    const random = rng(deriveSeed(p.seed, `membership/bootstrap/${r}`));
    w.fill(0);
    for (const s of p.strata) for (let i = 0; i < s.length; i++) w[s[Math.floor(random() * s.length)]]++;
    p.ranked.forEach((s, k) => {
      out.set(figures(s, w, p.alphas), ((r - p.from) * p.ranked.length + k) * F);
    });
  }
  return out;
}

/** Type-7 quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface ScoreFigures {
  /** Point figures (nFigures). */
  value: Float64Array;
  /** 2.5% and 97.5% bootstrap quantiles per figure. */
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * Ranks the scores, computes point figures and bootstrap intervals.
 * @param pool - worker pool (replicates are sharded over it)
 * @param scores - per score, one value per target (members first, then non-members)
 * @param label - 1 member, 0 non-member
 * @param half - 0 (A) or 1 (B) per target
 * @param alphas - FPR levels (already raised to what the halves resolve)
 * @param seed - bootstrap seed
 * @param resamples - bootstrap replicates (0: intervals equal the point value)
 */
export async function evaluateScores(
  pool: WorkerPool,
  scores: readonly Float64Array[],
  label: Uint8Array,
  half: Uint8Array,
  alphas: number[],
  seed: number,
  resamples: number,
): Promise<ScoreFigures[]> {
  const n = label.length;
  const inHalf = (h: number) => Int32Array.from({ length: n }, (_, i) => i).filter((i) => half[i] === h);
  const ha = inHalf(0);
  const hb = inHalf(1);
  const ranked = scores.map((s) => ({ all: rank(s, label), a: rank(s, label, ha), b: rank(s, label, hb) }));
  const strata = [ha, hb].flatMap((h) => [h.filter((i) => label[i] === 1), h.filter((i) => label[i] === 0)]);
  const ones = new Float64Array(n).fill(1);
  const F = nFigures(alphas.length);
  const shards = ranges(resamples, pool.workers * 4);
  const parts = await pool.map(
    'membership.bootstrap',
    shards.map(([from, to]) => ({ ranked, strata, alphas, seed, from, to })),
  );
  const reps = new Float64Array(resamples * scores.length * F);
  let o = 0;
  for (const part of parts) {
    reps.set(part, o);
    o += part.length;
  }
  return ranked.map((s, k) => {
    const value = figures(s, ones, alphas);
    const lower = new Float64Array(F);
    const upper = new Float64Array(F);
    for (let f = 0; f < F; f++) {
      const v = new Float64Array(resamples);
      for (let r = 0; r < resamples; r++) v[r] = reps[(r * scores.length + k) * F + f];
      const sorted = v.filter((x) => !Number.isNaN(x)).sort();
      lower[f] = resamples > 0 ? quantile(sorted, 0.025) : value[f];
      upper[f] = resamples > 0 ? quantile(sorted, 0.975) : value[f];
    }
    return { value, lower, upper };
  });
}
