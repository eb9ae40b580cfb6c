/**
 * @module attacks/population/newton — a two-dimensional Newton–Raphson root finder with restarts.
 *
 * Follows the solver ARX uses for its population models (de.linearbits.newtonraphson, Apache-2.0):
 * iterate x ← x − J(x)⁻¹ g(x) from the start point until both |g₁| and |g₂| ≤ accuracy; a try ends
 * when an iterate is NaN, breaks a constraint or exceeds `iterationsPerTry`, and the next try starts
 * from a point drawn uniformly from [0, start₁] × [0, start₂]; after `iterationsTotal` iterations the
 * solver gives up (NaN). ARX's defaults (ARXSolverConfiguration): accuracy 1e-6, 1,000 iterations per
 * try, 10,000 in total. ARX also caps each try at 100 ms and the whole at 1 s of wall time; those caps
 * are left out here so that results never depend on the machine's speed, and restarts draw from a
 * seeded generator instead of Math.random (house style 7: deterministic).
 */

/** Value g(x) and Jacobian J(x) = ∂g/∂x of a function ℝ² → ℝ² at one point. */
export interface Evaluation {
  /** g(x) */
  g: [number, number];
  /** Row-major [∂g₁/∂x₁, ∂g₁/∂x₂, ∂g₂/∂x₁, ∂g₂/∂x₂]. */
  jacobian: [number, number, number, number];
}

/** Solver limits. */
export interface NewtonOptions {
  accuracy: number;
  iterationsPerTry: number;
  iterationsTotal: number;
  /** A predicate every iterate must satisfy (else the try ends). */
  constraint?: (x: number, y: number) => boolean;
  /** Seed of the restart generator. */
  seed: number;
}

/** ARX's default solver configuration (without its wall-clock limits). */
export const ARX_SOLVER: Omit<NewtonOptions, 'seed'> = {
  accuracy: 1e-6,
  iterationsPerTry: 1000,
  iterationsTotal: 10000,
};

/** What the solver found. */
export interface NewtonResult {
  /** The root, or [NaN, NaN] when none was found within the limits. */
  x: [number, number];
  iterations: number;
  tries: number;
  converged: boolean;
}

/** mulberry32: a small seeded PRNG with values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Solves g(x) = 0 by Newton–Raphson.
 * @param f - evaluates g and its Jacobian at a point
 * @param start - the first try's start point
 * @param opts - accuracy, iteration limits, constraint, restart seed
 * @returns the root (NaN when not found) and how much work it took
 */
export function solveNewton2D(
  f: (x: number, y: number) => Evaluation,
  start: readonly [number, number],
  opts: NewtonOptions,
): NewtonResult {
  const random = mulberry32(opts.seed);
  let total = 0;
  let tries = 0;
  while (total <= opts.iterationsTotal) {
    tries++;
    let x = tries === 1 ? start[0] : random() * start[0];
    let y = tries === 1 ? start[1] : random() * start[1];
    let iterations = 0;
    for (;;) {
      total++;
      const { g, jacobian: j } = f(x, y);
      if (Math.abs(g[0]) <= opts.accuracy && Math.abs(g[1]) <= opts.accuracy) {
        return { x: [x, y], iterations: total, tries, converged: true };
      }
      const det = j[0] * j[3] - j[1] * j[2];
      const dx = (j[3] * g[0] - j[1] * g[1]) / det;
      const dy = (-j[2] * g[0] + j[0] * g[1]) / det;
      x -= dx;
      y -= dy;
      if (opts.constraint && !opts.constraint(x, y)) break;
      if (Number.isNaN(x) || Number.isNaN(y) || iterations++ > opts.iterationsPerTry) break;
      if (total > opts.iterationsTotal) break;
    }
  }
  return { x: [Number.NaN, Number.NaN], iterations: total, tries, converged: false };
}
