/**
 * @module attacks/population/pitman — population uniques under Pitman's sampling formula.
 *
 * Hoshino N. Applying Pitman's sampling formula to microdata disclosure risk assessment. J Official
 * Statistics 2001;17(4):499-520. The sample's class-size profile (s_j classes of size j; n records,
 * u classes) follows Pitman's two-parameter sampling formula; the log-likelihood is
 *
 *   L(θ, α) = Σ_{i=1}^{u−1} ln(θ + iα) − Σ_{i=1}^{n−1} ln(θ + i) + Σ_j s_j Σ_{i=1}^{j−1} ln(i − α)
 *
 * and the maximum-likelihood (θ, α) solve ∂L/∂θ = ∂L/∂α = 0:
 *
 *   ∂L/∂θ = Σ_{i=1}^{u−1} 1/(θ+iα) − Σ_{i=1}^{n−1} 1/(θ+i)
 *   ∂L/∂α = Σ_{i=1}^{u−1} i/(θ+iα) − Σ_j s_j Σ_{i=1}^{j−1} 1/(i−α)
 *
 * in closed form through ψ and ψ′ (e.g. Σ_{i=1}^{u−1} 1/(θ+iα) = [ψ(θ/α+u) − ψ(θ/α+1)]/α). The
 * expected number of population uniques in a population of N is then Γ(θ+1)/Γ(θ+α) · N^α.
 *
 * The solver replicates ARX's ModelPitman (Apache-2.0) step for step so that figures agree with ARX:
 * the same start point (Hoshino's moment estimates), Newton–Raphson on the closed forms with θ ≥ 0,
 * a check of the root against the term-by-term sums, and a re-solve on those sums when the check fails.
 */
import type { FrequencyProfile } from './frequencies.js';
import { classesOfSize } from './frequencies.js';
import { ARX_SOLVER, type Evaluation, solveNewton2D } from './newton.js';
import { digamma, logGamma, trigamma } from './special-functions.js';

/** Pitman's estimate and how it was reached. */
export interface PitmanEstimate {
  /** Estimated population uniques (NaN when the likelihood could not be maximised). */
  uniques: number;
  theta: number;
  alpha: number;
  /** Which evaluation of the score the accepted root came from. */
  solver: 'closed-form' | 'term-by-term' | 'none';
  iterations: number;
}

/** Score and Hessian of L in closed form (digamma / trigamma). */
function closedForm(p: FrequencyProfile): (t: number, a: number) => Evaluation {
  const u = p.classes;
  const n = p.records;
  return (t, a) => {
    const r = t / a;
    const s1 = (digamma(r + u) - digamma(r + 1)) / a; // Σ 1/(θ+iα)
    const d1 = (trigamma(r + 1) - trigamma(r + u)) / (a * a); // Σ 1/(θ+iα)²
    const s2 = (u - 1 - t * s1) / a; // Σ i/(θ+iα)
    const d5 = (s1 - t * d1) / a; // Σ i/(θ+iα)²
    const d3 = (u - 1 - 2 * t * s1 + t * t * d1) / (a * a); // Σ i²/(θ+iα)²
    const o2 = digamma(n + t) - digamma(t + 1); // Σ_{i<n} 1/(θ+i)
    const d2 = trigamma(t + 1) - trigamma(n + t);
    const psi1a = digamma(1 - a);
    const tri1a = trigamma(1 - a);
    let o4 = 0;
    let d4 = 0;
    for (let k = 0; k < p.sizes.length; k++) {
      const j = p.sizes[k];
      if (j === 1) continue;
      o4 += p.counts[k] * (digamma(j - a) - psi1a);
      d4 += p.counts[k] * (tri1a - trigamma(j - a));
    }
    return { g: [s1 - o2, s2 - o4], jacobian: [d2 - d1, -d5, -d5, -d3 - d4] };
  };
}

/** Score and Hessian of L summed term by term (slow, but free of cancellation when α ≈ 0). */
function termByTerm(p: FrequencyProfile): (t: number, a: number) => Evaluation {
  const u = p.classes;
  const n = p.records;
  return (t, a) => {
    let s1 = 0;
    let s2 = 0;
    let d1 = 0;
    let d5 = 0;
    let d3 = 0;
    for (let i = 1; i < u; i++) {
      const v = 1 / (t + i * a);
      s1 += v;
      s2 += i * v;
      d1 += v * v;
      d5 += i * v * v;
      d3 += i * i * v * v;
    }
    let o4 = 0;
    let d4 = 0;
    for (let k = 0; k < p.sizes.length; k++) {
      const j = p.sizes[k];
      let a1 = 0;
      let a2 = 0;
      for (let i = 1; i < j; i++) {
        const v = 1 / (i - a);
        a1 += v;
        a2 += v * v;
      }
      o4 += p.counts[k] * a1;
      d4 += p.counts[k] * a2;
    }
    let o2 = 0;
    let d2 = 0;
    for (let i = 1; i < n; i++) {
      const v = 1 / (t + i);
      o2 += v;
      d2 += v * v;
    }
    return { g: [s1 - o2, s2 - o4], jacobian: [d2 - d1, -d5, -d5, -d3 - d4] };
  };
}

/**
 * Hoshino's moment-type start point for (θ, α), as ARX uses it.
 * @returns [θ₀, α₀]
 */
export function pitmanStart(p: FrequencyProfile): [number, number] {
  const c1 = classesOfSize(p, 1);
  const c2 = classesOfSize(p, 2) || 1; // ARX: no classes of size 2 → 1 (overestimate)
  const u = p.classes;
  const n = p.records;
  const c = (c1 * (c1 - 1)) / c2;
  const t = (n * u * c - c1 * (n - 1) * (2 * u + c)) / (2 * c1 * u + c1 * c - n * c);
  const a = (t * (c1 - n) + (n - 1) * c1) / (n * u);
  return [t, a];
}

/**
 * Estimates the number of population uniques with Pitman's model.
 * @param p - the sample's frequency profile (must contain sample uniques)
 * @param populationSize - N
 * @param seed - seed of the solver's restarts
 */
export function pitmanUniques(p: FrequencyProfile, populationSize: number, seed: number): PitmanEstimate {
  const start = pitmanStart(p);
  const opts = { ...ARX_SOLVER, seed, constraint: (t: number) => t >= 0 };
  let solver: PitmanEstimate['solver'] = 'closed-form';
  let res = solveNewton2D(closedForm(p), start, opts);
  let iterations = res.iterations;
  const exact = termByTerm(p);
  const check = res.converged ? exact(res.x[0], res.x[1]).g : [Number.NaN, Number.NaN];
  if (!(Math.abs(check[0]) <= opts.accuracy && Math.abs(check[1]) <= opts.accuracy)) {
    // Each term-by-term evaluation costs O(u + n); ARX bounds this re-solve by wall time (1 s), here
    // by a deterministic budget of about 2·10⁸ terms.
    let work = p.classes + p.records;
    for (const j of p.sizes) work += j;
    const iterationsTotal = Math.min(opts.iterationsTotal, Math.max(100, Math.floor(2e8 / work)));
    res = solveNewton2D(exact, start, { ...opts, iterationsTotal });
    iterations += res.iterations;
    solver = res.converged ? 'term-by-term' : 'none';
  }
  const [theta, alpha] = res.x;
  return { uniques: pitmanExpectedUniques(theta, alpha, populationSize), theta, alpha, solver, iterations };
}

/**
 * Γ(θ+1)/Γ(θ+α) · N^α, the expected population uniques under Pitman's model; NaN when undefined
 * or outside [0, N] (as in ARX).
 */
export function pitmanExpectedUniques(theta: number, alpha: number, populationSize: number): number {
  if (Number.isNaN(theta) || Number.isNaN(alpha) || alpha === 0) return Number.NaN;
  const v = Math.exp(logGamma(theta + 1) - logGamma(theta + alpha) + alpha * Math.log(populationSize));
  return v >= 0 && v <= populationSize ? v : Number.NaN;
}
