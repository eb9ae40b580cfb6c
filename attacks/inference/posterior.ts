/**
 * @module attacks/inference/posterior — guesses of a secret whose released values went through a
 * declared randomization channel: the attacker inverts the channel by Bayes' rule instead of reading
 * the released value at face value.
 *
 * The attacker knows the channel P(r | s) and estimates the distribution π of true secrets from the
 * release alone by maximum likelihood (EM; for PRAM this is the estimator of van den Hout & van der
 * Heijden 2002, Int. Stat. Rev. 70:269, doi:10.1111/j.1751-5823.2002.tb00363.x; for noise the
 * nonparametric ML prior on a grid, Kiefer & Wolfowitz 1956, doi:10.1214/aoms/1177728066):
 *
 *   π ← π(s) · Σ_r q̂(r) P(r | s) / Σ_s' π(s') P(r | s')     (q̂ the release's empirical distribution)
 *
 * Each neighbour's released value r then gives the posterior π(s)P(r | s)/Σ_s' π(s')P(r | s'); the
 * guess is the value with the largest posterior summed over the k neighbours (for k = 1 the maximum a
 * posteriori value). Numeric secrets under Laplace or Gaussian noise: the support is a grid of 201
 * evenly spaced values between the release's extremes plus 0 (so that an exact zero can be guessed),
 * and the release is binned into 400 bins for EM; an approximation whose grid step (range/200) is
 * below the default 5% tolerance for values above 2.5% of the range.
 */

import type { Column } from '../../src/encode/types.js';
import { MISSING } from '../../src/encode/types.js';
import type { Channel } from '../types.js';
import { type Guesses, withinTolerance } from './guess.js';
import type { TargetNeighbours } from './neighbours.js';

const EM_ITERATIONS = 300;
const GRID = 201;
const BINS = 400;

/** The secret's support and the posterior over it for a released row. */
export interface Posterior {
  /** Support values: codes (categorical) or numbers (grid). */
  support: Float64Array;
  /** Posterior over the support given release row r's value (null when r's value is unknown). */
  of(r: number): Float64Array | null;
  /** The estimated prior π. */
  prior: Float64Array;
}

/** EM for the prior π over `S` support points from weighted observations with likelihoods L[o·S + s]. */
function emPrior(L: Float64Array, weight: Float64Array, S: number): Float64Array {
  const O = weight.length;
  let pi = new Float64Array(S).fill(1 / S);
  const total = weight.reduce((a, b) => a + b, 0) || 1;
  for (let it = 0; it < EM_ITERATIONS; it++) {
    const next = new Float64Array(S);
    for (let o = 0; o < O; o++) {
      if (weight[o] === 0) continue;
      let z = 0;
      for (let s = 0; s < S; s++) z += pi[s] * L[o * S + s];
      if (!(z > 0)) continue;
      const w = weight[o] / z;
      for (let s = 0; s < S; s++) next[s] += pi[s] * L[o * S + s] * w;
    }
    let change = 0;
    for (let s = 0; s < S; s++) {
      next[s] /= total;
      change += Math.abs(next[s] - pi[s]);
    }
    pi = next;
    if (change < 1e-10) break;
  }
  return pi;
}

function normalize(v: Float64Array): Float64Array {
  const z = v.reduce((a, b) => a + b, 0);
  if (z > 0) for (let i = 0; i < v.length; i++) v[i] /= z;
  return v;
}

/** The posterior model of a categorical secret under a PRAM / randomized-response matrix. */
function categoricalPosterior(release: Column, ch: Extract<Channel, { kind: 'categorical' }>): Posterior {
  const K = ch.size;
  const counts = new Float64Array(K);
  for (const c of release.codes) if (c >= 0 && c < K) counts[c]++;
  // observation o = released code b; L[b·K + a] = P(b | a)
  const L = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) L[b * K + a] = ch.matrix[a * K + b];
  const prior = emPrior(L, counts, K);
  const post = Array.from({ length: K }, (_, b) =>
    normalize(Float64Array.from({ length: K }, (_, a) => prior[a] * L[b * K + a])),
  );
  return {
    support: Float64Array.from({ length: K }, (_, a) => a),
    prior,
    of: (r) => {
      const b = release.codes[r];
      return b >= 0 && b < K ? post[b] : null;
    },
  };
}

function density(ch: Extract<Channel, { kind: 'noise' }>, d: number): number {
  const z = Math.abs(d) / ch.scale;
  return ch.method === 'laplace' ? Math.exp(-z) : Math.exp((-z * z) / 2);
}

/** The posterior model of a numeric secret under Laplace or Gaussian noise (grid approximation). */
function numericPosterior(release: Column, ch: Extract<Channel, { kind: 'noise' }>): Posterior {
  const x = release.numbers!;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return { support: new Float64Array(0), prior: new Float64Array(0), of: () => null };
  const step = (hi - lo) / (GRID - 1) || 1;
  const grid = Array.from({ length: GRID }, (_, i) => lo + i * step);
  if (lo < 0 && hi > 0) grid.push(0);
  const support = Float64Array.from(grid).sort();
  const S = support.length;
  const width = (hi - lo) / BINS || 1;
  const counts = new Float64Array(BINS);
  for (const v of x) if (!Number.isNaN(v)) counts[Math.min(BINS - 1, Math.floor((v - lo) / width))]++;
  const L = new Float64Array(BINS * S);
  for (let b = 0; b < BINS; b++) {
    const centre = lo + (b + 0.5) * width;
    for (let s = 0; s < S; s++) L[b * S + s] = density(ch, centre - support[s]);
  }
  const prior = emPrior(L, counts, S);
  return {
    support,
    prior,
    of: (r) => {
      const v = x[r];
      if (Number.isNaN(v)) return null;
      return normalize(Float64Array.from(support, (s, i) => prior[i] * density(ch, v - s)));
    },
  };
}

/**
 * The posterior model of a secret under its declared channel.
 * @param release - the release's secret column
 * @param ch - the declared channel (matrix for a categorical secret, noise for a numeric one)
 */
export function posteriorOf(release: Column, ch: Channel): Posterior {
  return ch.kind === 'categorical' ? categoricalPosterior(release, ch) : numericPosterior(release, ch);
}

/**
 * Guesses a secret as the support value with the largest summed posterior over the neighbours.
 * Same contract as guessSecret (guess.ts): targets with a missing secret are not attacked; no
 * neighbour with a known value means no guess (a failure).
 */
export function guessByPosterior(
  truth: Column,
  rows: Int32Array,
  nn: TargetNeighbours,
  numeric: boolean,
  tolerance: number,
  model: Posterior,
): Guesses {
  const T = rows.length;
  const S = model.support.length;
  const correct = new Int8Array(T);
  const acc = new Float64Array(S);
  let n = 0;
  let successes = 0;
  let noGuess = 0;
  for (let i = 0; i < T; i++) {
    const row = rows[i];
    const known = numeric ? !Number.isNaN(truth.numbers![row]) : truth.codes[row] !== MISSING;
    if (!known) {
      correct[i] = -1;
      continue;
    }
    n++;
    acc.fill(0);
    let used = 0;
    for (let j = 0; j < nn.k; j++) {
      const r = nn.index[i * nn.k + j];
      const p = r >= 0 ? model.of(r) : null;
      if (!p) continue;
      used++;
      for (let s = 0; s < S; s++) acc[s] += p[s];
    }
    if (used === 0 || S === 0) {
      noGuess++;
      continue;
    }
    let best = 0;
    for (let s = 1; s < S; s++) if (acc[s] > acc[best]) best = s;
    const g = model.support[best];
    const ok = numeric ? withinTolerance(g, truth.numbers![row], tolerance) : g === truth.codes[row];
    if (ok) {
      correct[i] = 1;
      successes++;
    }
  }
  return { correct, n, successes, noGuess };
}
