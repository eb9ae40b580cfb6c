/**
 * @module attacks/linkage/score — a linkage method's claims against the truth, in the prosecutor and
 * journalist settings, with Wilson intervals (src/stats).
 *
 * Prosecutor setting: the targets whose true record is in the release (the attacker knows it is).
 * Journalist setting: all targets, some of which are not in the release; it differs only when the
 * truth (--id) leaves some targets without a record. For n targets, c claims and x correct claims:
 *
 *   reidentificationRate = x / n      precision = x / c      (Wilson 95% intervals)
 *   baselineRate = (share of targets in the release) / (release rows)   (a uniformly random guess)
 *
 * El Emam, "Guide to the De-Identification of Personal Health Information" (CRC 2013) for the
 * prosecutor / journalist attacker models.
 */
import { type Rate, wilson } from '../../src/stats/intervals.js';
import type { MethodResult } from './method.js';

/** One method's figures in one setting. */
export interface SettingScore {
  setting: 'prosecutor' | 'journalist';
  targets: number;
  claims: number;
  reidentified: number;
  rate: Rate;
  /** null when the method made no claim (precision over n = 0 is undefined). */
  precision: Rate | null;
  baselineRate: number;
  /** Mean of the method's per-target expected success, when it reports one. */
  expectedRate?: number;
}

/** A method's scores: prosecutor when some target is in the release; journalist when some is not. */
export interface MethodScore {
  method: string;
  prosecutor?: SettingScore;
  journalist?: SettingScore;
}

/** The setting that drives the headline: prosecutor when it has targets, else journalist. */
export function primary(s: MethodScore): SettingScore | undefined {
  return s.prosecutor ?? s.journalist;
}

/**
 * Scores one method.
 * @param r - the method's result
 * @param truth - per target, the true release row or -1
 * @param releaseRows - rows of the release (for the baseline)
 */
export function scoreMethod(r: MethodResult, truth: Int32Array, releaseRows: number): MethodScore {
  const T = truth.length;
  let inRelease = 0;
  for (let t = 0; t < T; t++) if (truth[t] >= 0) inRelease++;
  const setting = (name: SettingScore['setting'], take: (t: number) => boolean): SettingScore => {
    let n = 0;
    let claims = 0;
    let correct = 0;
    let expected = 0;
    for (let t = 0; t < T; t++) {
      if (!take(t)) continue;
      n++;
      if (r.claimed[t] >= 0) {
        claims++;
        if (r.claimed[t] === truth[t]) correct++;
      }
      if (r.expectedSuccess) expected += r.expectedSuccess[t];
    }
    return {
      setting: name,
      targets: n,
      claims,
      reidentified: correct,
      rate: wilson(correct, n),
      precision: claims > 0 ? wilson(correct, claims) : null,
      baselineRate: (name === 'prosecutor' ? 1 : inRelease / T) / Math.max(1, releaseRows),
      expectedRate: r.expectedSuccess ? expected / n : undefined,
    };
  };
  return {
    method: r.method,
    prosecutor: inRelease > 0 ? setting('prosecutor', (t) => truth[t] >= 0) : undefined,
    journalist: inRelease < T && T > 0 ? setting('journalist', () => true) : undefined,
  };
}

/**
 * The strongest method: highest point reidentificationRate in the primary setting. All methods share
 * the same targets (same n), and the Wilson upper bound is increasing in the count for fixed n, so
 * ranking by point or by upper bound gives the same order; ties keep the earlier method.
 */
export function strongest(scores: readonly MethodScore[]): MethodScore | undefined {
  let best: MethodScore | undefined;
  for (const s of scores) {
    const p = primary(s);
    if (!p) continue;
    const b = best && primary(best);
    if (!b || p.rate.value > b.rate.value) best = s;
  }
  return best;
}

/** A rate as a JSON-friendly object for the details. */
export function rateJson(r: Rate | null) {
  return r ? { value: r.value, ci95: r.ci, n: r.n, successes: r.successes } : null;
}

/** A setting's figures as a JSON-friendly object for the details. */
export function settingJson(s: SettingScore | undefined) {
  if (!s) return null;
  return {
    targets: s.targets,
    claims: s.claims,
    reidentified: s.reidentified,
    reidentificationRate: rateJson(s.rate),
    precision: rateJson(s.precision),
    baselineRate: s.baselineRate,
    ...(s.expectedRate !== undefined ? { expectedReidentificationRate: s.expectedRate } : {}),
  };
}
