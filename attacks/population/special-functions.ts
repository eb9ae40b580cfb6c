/**
 * @module attacks/population/special-functions — log-gamma, digamma and trigamma in double precision.
 *
 * The population-uniqueness models need ψ, ψ′ and ln Γ at arguments from near 0 to millions. Each
 * function shifts small arguments up by its recurrence and then sums the asymptotic (Stirling /
 * Bernoulli) series, which at x ≥ 10 is accurate to a few units in the last place (Abramowitz &
 * Stegun 6.1.41, 6.3.18, 6.4.12; recurrences 6.1.15, 6.3.5, 6.4.6; reflections 6.3.7, 6.4.7):
 *
 *   ln Γ(x) ≈ (x − ½) ln x − x + ½ ln 2π + Σ B₂ₖ / (2k(2k−1) x^(2k−1))
 *   ψ(x)    ≈ ln x − 1/(2x) − Σ B₂ₖ / (2k x^(2k))
 *   ψ′(x)   ≈ 1/x + 1/(2x²) + Σ B₂ₖ / x^(2k+1)
 */

/** Below this the recurrences shift the argument up before the asymptotic series is used. */
const SHIFT = 10;

/** ½ ln 2π */
const HALF_LOG_2PI = 0.9189385332046728;

/**
 * ln Γ(x) for x > 0 (NaN otherwise).
 * @param x - the argument
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let shift = 0;
  let prod = 1;
  let y = x;
  while (y < SHIFT) {
    prod *= y;
    y += 1;
    shift++;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series =
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 / 156))))));
  const base = (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + series;
  return shift > 0 ? base - Math.log(prod) : base;
}

/**
 * Digamma ψ(x) = d/dx ln Γ(x). Defined for all x except 0, −1, −2, … (NaN there).
 * @param x - the argument
 */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN;
    // Reflection: ψ(x) = ψ(1 − x) − π / tan(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let acc = 0;
  let y = x;
  while (y < SHIFT) {
    acc -= 1 / y;
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series =
    r2 *
    (1 / 12 -
      r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760 - r2 / 12))))));
  return acc + Math.log(y) - 0.5 * r - series;
}

/**
 * Trigamma ψ′(x) = d²/dx² ln Γ(x). Defined for all x except 0, −1, −2, … (NaN there).
 * @param x - the argument
 */
export function trigamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN;
    // Reflection: ψ′(x) = π² / sin²(πx) − ψ′(1 − x)
    const s = Math.sin(Math.PI * x);
    return (Math.PI * Math.PI) / (s * s) - trigamma(1 - x);
  }
  let acc = 0;
  let y = x;
  while (y < SHIFT) {
    acc += 1 / (y * y);
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series =
    r *
    r2 *
    (1 / 6 -
      r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * (5 / 66 - r2 * (691 / 2730 - (r2 * 7) / 6))))));
  return acc + r + 0.5 * r2 + series;
}
