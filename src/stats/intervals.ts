/**
 * @module stats/intervals — success rates with their uncertainty.
 *
 * Attacks count successes; this module turns counts into rates with 95% intervals, once, centrally
 * (house style: "attacks count, stats scores"). A rate over n = 0 is a coded error, never NaN.
 */
import { ReidgateError } from '../errors.js';

/** A rate with its Wilson interval and sample size. */
export interface Rate {
  /** Point estimate x/n (or the interval's centre, see `center`). */
  value: number;
  /** Wilson score interval [lower, upper]. */
  ci: [number, number];
  /** Half-width of the interval (the "±" figure). */
  error: number;
  /** The Wilson interval's centre (value shrunk towards 1/2). */
  center: number;
  n: number;
  successes: number;
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile Φ⁻¹(p), by Acklam's rational approximation (relative error below 1.2e-9).
 * simple-statistics' `probit` is not used: its approximation is off in the third decimal (1.9572 for
 * p = 0.975), which would shift every interval this tool reports.
 * @throws ReidgateError('USAGE') when p is not strictly between 0 and 1
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new ReidgateError('USAGE', `normal quantile of ${p}: p must lie strictly between 0 and 1`);
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** z for a two-sided interval at `confidence`, e.g. 1.959964 for 0.95. */
export function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new ReidgateError('USAGE', `confidence level ${confidence} must lie strictly between 0 and 1`);
  }
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209).
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
 *
 * Unlike the normal (Wald) interval it stays inside [0,1] and behaves at p̂ = 0 or 1, which is
 * exactly where re-identification rates of good releases sit.
 *
 * @param successes - x, 0 ≤ x ≤ n
 * @param n - trials, > 0
 * @param confidence - default 0.95
 * @returns the rate x/n with its interval
 * @throws ReidgateError('INTERNAL') when n is 0 or x is outside [0, n]
 */
export function wilson(successes: number, n: number, confidence = 0.95): Rate {
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new ReidgateError('INTERNAL', `rate over n=${n} trials: there is nothing to estimate from`);
  }
  if (!(successes >= 0 && successes <= n)) {
    throw new ReidgateError('INTERNAL', `rate with ${successes} successes out of ${n} trials`);
  }
  const z = zFor(confidence);
  const p = successes / n;
  const z2n = (z * z) / n;
  const denom = 1 + z2n;
  const center = (p + z2n / 2) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return {
    value: p,
    ci: [Math.max(0, center - half), Math.min(1, center + half)],
    error: half,
    center,
    n,
    successes,
  };
}

/** A residual risk with its propagated error. */
export interface ResidualRisk {
  value: number;
  error: number;
  ci: [number, number];
}

/**
 * Residual risk of an attack over what a control (or baseline) already achieves:
 *
 *   risk = (a − c) / (1 − c)
 *
 * with a and c the attack's and the control's success rates (Giomi et al., "A Unified Framework for
 * Quantifying Privacy Risk in Synthetic Data", PETS 2023, doi:10.56553/popets-2023-0055). The error
 * is propagated to first order from the rates' Wilson half-widths εa, εc:
 *
 *   ε = √( (εa/(1−c))² + (εc·(a−1)/(1−c)²)² )
 *
 * Rates are the Wilson centres, as in that paper. The interval is clipped to [0, 1]: a negative point
 * value (the attack did worse than control) is reported as is, but its interval starts at 0 (and, when
 * value + error is below 0 too, it is the single point [0, 0]).
 *
 * @param attack - the attack's success rate (from `wilson`)
 * @param control - the control's success rate (from `wilson`)
 * @throws ReidgateError('INTERNAL') when the control already always succeeds (c = 1): no residual risk is defined
 */
export function residualRisk(attack: Rate, control: Rate): ResidualRisk {
  const a = attack.center;
  const c = control.center;
  if (c >= 1) {
    throw new ReidgateError('INTERNAL', 'residual risk is undefined: the control attack always succeeds');
  }
  const value = (a - c) / (1 - c);
  const error = Math.sqrt((attack.error / (1 - c)) ** 2 + ((control.error * (a - 1)) / (1 - c) ** 2) ** 2);
  const lo = Math.min(1, Math.max(0, value - error));
  return { value, error, ci: [lo, Math.min(1, Math.max(lo, value + error))] };
}
