/**
 * @module stats/roc — ROC statistics of a (membership) score, with per-target weights
 * (bootstrap multiplicities; all 1 for the point estimate).
 *
 * Targets are ranked by score, higher = "member"; a threshold v predicts "member" when score ≥ v.
 * - AUC: the Mann–Whitney statistic, P(score of a member > score of a non-member) + ½ P(equal)
 *   (Mann & Whitney 1947, Ann. Math. Statist. 18:50, doi:10.1214/aoms/1177730491; Hanley & McNeil 1982,
 *   Radiology 143:29, doi:10.1148/radiology.143.1.7063747).
 * - TPR at FPR α: the threshold is the lowest score value whose FPR on the *calibration* targets is
 *   ≤ α (+∞, predicting nobody, when no value qualifies); TPR and FPR are then read on other targets.
 * - advantage: TPR − FPR at the threshold maximizing it on the calibration targets (Yeom et al. 2018,
 *   "Privacy risk in machine learning", CSF, doi:10.1109/CSF.2018.00027).
 * Carlini et al. 2022 (arXiv 2112.03570) for why TPR at low FPR, on a log-scale ROC, is the figure that matters.
 */

/** A score's targets in descending score order, grouped by equal score. */
export interface Ranked {
  /** Target indices, by descending score (ties by target index). */
  order: Int32Array;
  /** Labels in that order (1 member, 0 non-member). */
  label: Uint8Array;
  /** Per group of equal scores: its score (descending) and the position after its last target. */
  groupScore: Float64Array;
  groupEnd: Int32Array;
}

/** Ranks the targets `subset` (default all) by descending score. */
export function rank(scores: Float64Array, label: Uint8Array, subset?: Int32Array): Ranked {
  const idx = subset ? Array.from(subset) : Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  const order = Int32Array.from(idx);
  const gs: number[] = [];
  const ge: number[] = [];
  for (let i = 0; i < order.length; i++) {
    if (i > 0 && scores[order[i]] !== scores[order[i - 1]]) ge.push(i);
    if (i === 0 || scores[order[i]] !== scores[order[i - 1]]) gs.push(scores[order[i]]);
  }
  if (order.length > 0) ge.push(order.length);
  return {
    order,
    label: Uint8Array.from(order, (i) => label[i]),
    groupScore: Float64Array.from(gs),
    groupEnd: Int32Array.from(ge),
  };
}

/** Cumulative weighted counts at each group: members tp[g] and non-members fp[g] scoring ≥ groupScore[g]. */
export interface Curve {
  groupScore: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  /** Weighted members and non-members. */
  P: number;
  N: number;
}

/** The weighted curve of `r` under target weights `w` (indexed by target). */
export function curve(r: Ranked, w: Float64Array): Curve {
  const G = r.groupEnd.length;
  const tp = new Float64Array(G);
  const fp = new Float64Array(G);
  let p = 0;
  let n = 0;
  let i = 0;
  for (let g = 0; g < G; g++) {
    for (const end = r.groupEnd[g]; i < end; i++) {
      const x = w[r.order[i]];
      if (r.label[i] === 1) p += x;
      else n += x;
    }
    tp[g] = p;
    fp[g] = n;
  }
  return { groupScore: r.groupScore, tp, fp, P: p, N: n };
}

/** Mann–Whitney AUC (NaN when a class has no weight). */
export function auc(c: Curve): number {
  if (!(c.P > 0 && c.N > 0)) return Number.NaN;
  let sum = 0;
  let tpAbove = 0;
  let fpAbove = 0;
  for (let g = 0; g < c.tp.length; g++) {
    const pos = c.tp[g] - tpAbove;
    const neg = c.fp[g] - fpAbove;
    // members in this group beat the non-members below it and tie with those in it
    sum += pos * (c.N - c.fp[g] + 0.5 * neg);
    tpAbove = c.tp[g];
    fpAbove = c.fp[g];
  }
  return sum / (c.P * c.N);
}

/**
 * The calibrated threshold for FPR ≤ α, or +∞ (predict nobody).
 * @param alpha - target FPR in (0, 1)
 */
export function thresholdAtFpr(c: Curve, alpha: number): number {
  if (!(c.N > 0)) return Number.POSITIVE_INFINITY;
  const allowed = alpha * c.N * (1 + 1e-12);
  let v = Number.POSITIVE_INFINITY;
  for (let g = 0; g < c.fp.length && c.fp[g] <= allowed; g++) v = c.groupScore[g];
  return v;
}

/** The threshold maximizing TPR − FPR (the highest among equal maxima), or +∞. */
export function thresholdMaxAdvantage(c: Curve): number {
  if (!(c.P > 0 && c.N > 0)) return Number.POSITIVE_INFINITY;
  let best = 0;
  let v = Number.POSITIVE_INFINITY;
  for (let g = 0; g < c.tp.length; g++) {
    const adv = c.tp[g] / c.P - c.fp[g] / c.N;
    if (adv > best + 1e-12) {
      best = adv;
      v = c.groupScore[g];
    }
  }
  return v;
}

/** TPR and FPR of the rule score ≥ v (NaN for a class without weight). */
export function ratesAt(c: Curve, v: number): { tpr: number; fpr: number } {
  // the last group whose score is ≥ v (scores descend)
  let lo = 0;
  let hi = c.groupScore.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (c.groupScore[m] >= v) lo = m + 1;
    else hi = m;
  }
  const tp = lo > 0 ? c.tp[lo - 1] : 0;
  const fp = lo > 0 ? c.fp[lo - 1] : 0;
  return { tpr: c.P > 0 ? tp / c.P : Number.NaN, fpr: c.N > 0 ? fp / c.N : Number.NaN };
}

/**
 * The empirical ROC (unweighted), thinned for a log-scale chart: at FPR 0 and at `points` FPRs spaced
 * evenly in log between 1/N and 1, the highest TPR reached without exceeding that FPR.
 */
export function rocCurve(r: Ranked, points = 60): { fpr: number[]; tpr: number[] } {
  let size = 0;
  for (const i of r.order) if (i + 1 > size) size = i + 1;
  const c = curve(r, new Float64Array(size).fill(1));
  const at = (f: number) => {
    let t = 0;
    for (let g = 0; g < c.tp.length && c.fp[g] / c.N <= f + 1e-12; g++) t = c.tp[g] / c.P;
    return t;
  };
  const fpr = [0];
  const tpr = [at(0)];
  const lo = Math.log(1 / Math.max(1, c.N));
  for (let i = 0; i < points; i++) {
    const f = Math.exp(lo - (lo * i) / (points - 1));
    if (f <= fpr[fpr.length - 1]) continue;
    fpr.push(f);
    tpr.push(at(f));
  }
  return { fpr, tpr };
}
