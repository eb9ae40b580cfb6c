/**
 * @module attacks/population/individual-risk — Benedetti–Franconi individual risk from sampling weights.
 *
 * Benedetti R, Franconi L. Statistical and technological solutions for controlled data
 * dissemination. Pre-proceedings of New Techniques and Technologies for Statistics 1998;1:225-232;
 * Franconi L, Polettini S. Individual risk estimation in μ-Argus: a review. Privacy in Statistical
 * Databases 2004, LNCS 3050:262-272, doi:10.1007/978-3-540-25955-8_20. Given a record's sample class
 * size f and the class's estimated population size F̂ = Σ weights in the class, the population class
 * size is modelled as F = f + negative binomial (F − f ~ NB(f, p), p = f/F̂), and the record's risk is
 *
 *   r = E[1/F | f] = Σ_{h≥f} (1/h) C(h−1, f−1) p^f (1−p)^(h−f) = p ∫₀¹ x^(f−1) / (p + (1−p)x) dx
 *
 * (the integral by x = pt/(1−(1−p)t) in r = p^f ∫₀¹ t^(f−1) (1−(1−p)t)^(−f) dt). With q = 1 − p:
 *
 *   f = 1:  r = (p/q) ln(1/p)          f = 2:  r = p/q − (p/q)² ln(1/p)
 *   f > 2, "approx" (sdcMicro's indivRisk default, as in μ-Argus):  r ≈ p / (f − q)
 *   f > 2, "exact": J_f = ∫₀¹ x^(f−1)/(p+qx) dx by J₁ = ln(1/p)/q, J_{k+1} = (1/k − p J_k)/q when
 *           p < ½ (errors shrink by p/q), else J_f = (1/f) Σ_j j! q^j / ((f+1)…(f+j)) (a positive
 *           series, 2F1(1,1;f+1;q)/f, with ratio < ½); r = p·J_f.
 *   F̂ = f (the class is its whole population): r = 1/f.
 *
 * sdcMicro's closed form for "exact" (indivRisk, method = "exact") is the same quantity written as
 * an alternating sum; it loses all precision for large f, which this evaluation does not. Global
 * risk is the expected number of re-identifications, Σ r over records (sdcMicro's global_risk_ER).
 */

/** Benedetti–Franconi risk variants. */
export type RiskMethod = 'approx' | 'exact';

/**
 * The individual risk of a record in a sample class of size f whose population size is estimated as F̂.
 * @param f - sample class size (≥ 1)
 * @param Fhat - estimated population class size (sum of weights); F̂ ≤ f gives 1/f
 * @param method - 'approx' (sdcMicro's default) or 'exact'
 */
export function individualRisk(f: number, Fhat: number, method: RiskMethod = 'approx'): number {
  if (!(Fhat > f)) return 1 / f;
  const p = f / Fhat;
  const q = (Fhat - f) / Fhat;
  const logInvP = -Math.log1p(-q);
  if (f === 1) return (p / q) * logInvP;
  if (f === 2) return p / q - (p / q) ** 2 * logInvP;
  if (method === 'approx') return p / (f - q);
  return p * integralJ(f, p, q, logInvP);
}

/** J_f = ∫₀¹ x^(f−1) / (p + q x) dx, evaluated stably (see the module comment). */
function integralJ(f: number, p: number, q: number, logInvP: number): number {
  if (p < 0.5) {
    let J = logInvP / q;
    for (let k = 1; k < f; k++) J = (1 / k - p * J) / q;
    return J;
  }
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 10000; j++) {
    term *= (q * (j + 1)) / (f + 1 + j);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum / f;
}

/** Per-record risks and their totals. */
export interface IndividualRisks {
  perRecord: Float64Array;
  max: number;
  /** Σ r: the expected number of re-identifications. */
  sum: number;
}

/**
 * Risk of every record, computed once per group of records that share (f, F̂).
 * @param classSize - sample class size f of each record
 * @param Fhat - estimated population class size of each record
 * @param method - 'approx' or 'exact'
 * @param group - group number of each record (records of a group share f and F̂)
 * @param groups - number of groups
 */
export function individualRisks(
  classSize: Int32Array,
  Fhat: Float64Array,
  method: RiskMethod,
  group: Int32Array,
  groups: number,
): IndividualRisks {
  const n = classSize.length;
  const perRecord = new Float64Array(n);
  const byGroup = new Float64Array(groups).fill(Number.NaN);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const g = group[i];
    let r = byGroup[g];
    if (Number.isNaN(r)) {
      r = individualRisk(classSize[i], Fhat[i], method);
      byGroup[g] = r;
    }
    perRecord[i] = r;
    if (r > max) max = r;
    sum += r;
  }
  return { perRecord, max, sum };
}
