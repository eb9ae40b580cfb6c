/**
 * @module attacks/population/snb — population uniques by the slide negative binomial (SNB) model.
 *
 * Chen G, Keller-McNulty S. Estimation of identification disclosure risk in microdata. J Official
 * Statistics 1998;14(1):79-95. The population has K non-empty classes whose sizes F are 1 + a
 * negative binomial NB(α, β) variable, P(F = j) = C(j+α−2, j−1) β^α (1−β)^(j−1), so the expected
 * number of population uniques is K·β^α. Under Bernoulli sampling with fraction f, with
 * d = (1−f)(1−β), the expected numbers of sample classes of size 1 and 2 are
 *
 *   E[s₁] = K f (β/(1−d))^α (1 + α d/(1−d))
 *   E[s₂] = K f²/2 · α (1−β) β^α (1−d)^−(α+2) (2 − (1−α) d)
 *
 * (from the probability generating function of F). K is estimated from the sample by Shlosser's
 * estimator as modified by Haas et al. (VLDB 1995, their Ŝh3), with q = f and f_i = s_i:
 *
 *   K̂ = u + s₁ · [Σ i q² (1−q²)^(i−1) s_i / Σ (1−q)^i ((1+q)^i − 1) s_i] · [Σ (1−q)^i s_i / Σ i q (1−q)^(i−1) s_i]²
 *
 * and (α, β) solve E[s₁] = s₁, E[s₂] = s₂ (method of moments). The equations are solved on
 * (ln α, logit β), in logarithms, by Newton–Raphson with a backtracking line search from a fixed grid
 * of start points, so the result is deterministic. No solution (e.g. no classes of size 2) → NaN.
 *
 * ARX's ModelSNB (3.9) solves the same moment equations, but its E[s₂] raises (1−d) to +(α+2) where
 * the model has −(α+2), and its K̂ sums (1−q)^i (1+q)^i s_i − 1 where Ŝh3 has (1−q)^i ((1+q)^i − 1) s_i;
 * on Adult its solver finds no root (ARX reports SNB as unavailable). This module follows the model.
 */
import type { FrequencyProfile } from './frequencies.js';
import { classesOfSize } from './frequencies.js';

/** The SNB estimate and its fitted parameters. */
export interface SnbEstimate {
  uniques: number;
  /** K̂: estimated non-empty population classes. */
  classes: number;
  alpha: number;
  beta: number;
}

/**
 * K̂: Shlosser's estimator of the number of non-empty population classes (Haas et al.'s Ŝh3).
 * @param p - the sample's frequency profile
 * @param f - the sampling fraction
 */
export function shlosserClasses(p: FrequencyProfile, f: number): number {
  const s1 = classesOfSize(p, 1);
  if (f >= 1 || s1 === 0) return p.classes;
  const q = f;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let k = 0; k < p.sizes.length; k++) {
    const i = p.sizes[k];
    const si = p.counts[k];
    const pow1q = (1 - q) ** i;
    a += i * q * q * (1 - q * q) ** (i - 1) * si;
    b += pow1q * ((1 + q) ** i - 1) * si;
    c += pow1q * si;
    d += i * q * (1 - q) ** (i - 1) * si;
  }
  return p.classes + s1 * (a / b) * (c / d) ** 2;
}

/** ln E[s₁] and ln E[s₂] under the SNB model. */
function logMoments(K: number, f: number, alpha: number, beta: number): [number, number] {
  const d = (1 - f) * (1 - beta);
  const l1d = Math.log1p(-d);
  const lb = Math.log(beta);
  const m1 = Math.log(K * f) + alpha * (lb - l1d) + Math.log1p((alpha * d) / (1 - d));
  const m2 =
    Math.log((K * f * f * alpha) / 2) +
    Math.log1p(-beta) +
    alpha * lb -
    (alpha + 2) * l1d +
    Math.log(2 - (1 - alpha) * d);
  return [m1, m2];
}

/**
 * Fits the SNB model to s₁, s₂ and estimates the population uniques K̂·β^α.
 * @param p - the sample's frequency profile
 * @param f - the sampling fraction (0 < f ≤ 1)
 */
export function snbUniques(p: FrequencyProfile, f: number): SnbEstimate {
  const s1 = classesOfSize(p, 1);
  const s2 = classesOfSize(p, 2);
  const K = shlosserClasses(p, f);
  const none = { uniques: Number.NaN, classes: K, alpha: Number.NaN, beta: Number.NaN };
  if (s1 === 0 || s2 === 0 || !(K > 0)) return none;
  const target: [number, number] = [Math.log(s1), Math.log(s2)];
  // Residuals on (x, y) = (ln α, logit β).
  const residual = (x: number, y: number): [number, number] => {
    const [m1, m2] = logMoments(K, f, Math.exp(x), 1 / (1 + Math.exp(-y)));
    return [m1 - target[0], m2 - target[1]];
  };
  const norm = (r: [number, number]) => r[0] * r[0] + r[1] * r[1];
  let best: { x: number; y: number; r: number } | null = null;
  for (const a0 of [1, 0.2, 5, 0.05, 20]) {
    for (const b0 of [0.5, 0.1, 0.9, 0.01, 0.99]) {
      let x = Math.log(a0);
      let y = Math.log(b0 / (1 - b0));
      let r = residual(x, y);
      for (let it = 0; it < 200 && Number.isFinite(norm(r)) && norm(r) > 1e-26; it++) {
        const h = 1e-6;
        const rx1 = residual(x + h, y);
        const rx0 = residual(x - h, y);
        const ry1 = residual(x, y + h);
        const ry0 = residual(x, y - h);
        const j = [
          (rx1[0] - rx0[0]) / (2 * h),
          (ry1[0] - ry0[0]) / (2 * h),
          (rx1[1] - rx0[1]) / (2 * h),
          (ry1[1] - ry0[1]) / (2 * h),
        ];
        const det = j[0] * j[3] - j[1] * j[2];
        const dx = (j[3] * r[0] - j[1] * r[1]) / det;
        const dy = (-j[2] * r[0] + j[0] * r[1]) / det;
        if (!Number.isFinite(dx) || !Number.isFinite(dy)) break;
        let step = 1;
        let next = residual(x - dx, y - dy);
        while (!(norm(next) < norm(r)) && step > 1e-6) {
          step /= 2;
          next = residual(x - step * dx, y - step * dy);
        }
        if (!(norm(next) < norm(r))) break;
        x -= step * dx;
        y -= step * dy;
        r = next;
      }
      const rn = norm(r);
      if (rn <= 1e-20 && (best === null || rn < best.r)) best = { x, y, r: rn };
    }
    if (best) break;
  }
  if (best === null) return none;
  const alpha = Math.exp(best.x);
  const beta = 1 / (1 + Math.exp(-best.y));
  const uniques = K * beta ** alpha;
  return { uniques, classes: K, alpha, beta };
}
