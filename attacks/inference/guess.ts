/**
 * @module attacks/inference/guess — the attacker's guesses of one secret and whether they are right.
 *
 * From the k nearest released records of a target (neighbours.ts), as in Giomi et al., PETS 2023
 * (doi:10.56553/popets-2023-0055):
 * - categorical secret: the most frequent value among the neighbours that hold one (ties: the value
 *   of the nearer neighbour); correct when it equals the target's value;
 * - numeric secret: the mean of the neighbours' values; correct when |guess − truth| ≤ τ·|truth|
 *   (relative tolerance τ, 0.05 by default; a true value of 0 needs an exact guess).
 * Neighbours whose secret is missing are passed over; with none left there is no guess, which counts
 * as a failure. Targets whose own secret is missing are not attacked (they are not in n).
 *
 * The naive baseline guesses, for each target, the secret of a uniformly random release record with
 * a known secret (a draw from the release's marginal distribution), seeded.
 */
import type { Column } from '../../src/encode/types.js';
import { MISSING } from '../../src/encode/types.js';
import type { TargetNeighbours } from './neighbours.js';

/** Outcome of guessing one secret for one target set. */
export interface Guesses {
  /** Per target position: 1 correct, 0 wrong, −1 not attacked (the target's secret is missing). */
  correct: Int8Array;
  /** Targets attacked (secret known). */
  n: number;
  successes: number;
  /** Attacked targets for which no neighbour held a value (counted as failures). */
  noGuess: number;
}

/** Whether a numeric guess g is within relative tolerance τ of the truth x. */
export function withinTolerance(g: number, x: number, tolerance: number): boolean {
  return Math.abs(g - x) <= tolerance * Math.abs(x);
}

const known = (c: Column, row: number, numeric: boolean) =>
  numeric ? !Number.isNaN(c.numbers![row]) : c.codes[row] !== MISSING;

/**
 * Guesses a secret from the neighbours and scores the guesses.
 * @param release - the secret column of the (shuffled) release the neighbours index
 * @param truth - the secret column of the targets' table
 * @param rows - the targets' rows in that table (by position)
 * @param nn - the targets' neighbours
 * @param numeric - whether the secret is numeric
 * @param tolerance - relative tolerance of numeric guesses
 */
export function guessSecret(
  release: Column,
  truth: Column,
  rows: Int32Array,
  nn: TargetNeighbours,
  numeric: boolean,
  tolerance: number,
): Guesses {
  const T = rows.length;
  const correct = new Int8Array(T);
  const votes = new Map<number, number>();
  let n = 0;
  let successes = 0;
  let noGuess = 0;
  for (let i = 0; i < T; i++) {
    const row = rows[i];
    if (!known(truth, row, numeric)) {
      correct[i] = -1;
      continue;
    }
    n++;
    let sum = 0;
    let used = 0;
    let best = MISSING;
    let bestVotes = 0;
    votes.clear();
    for (let j = 0; j < nn.k; j++) {
      const r = nn.index[i * nn.k + j];
      if (r < 0 || !known(release, r, numeric)) continue;
      used++;
      if (numeric) sum += release.numbers![r];
      else {
        const code = release.codes[r];
        const v = (votes.get(code) ?? 0) + 1;
        votes.set(code, v);
        // Strictly more votes: a later (farther) value must beat, not tie, an earlier one.
        if (v > bestVotes) {
          best = code;
          bestVotes = v;
        }
      }
    }
    if (used === 0) {
      noGuess++;
      continue;
    }
    const ok = numeric
      ? withinTolerance(sum / used, truth.numbers![row], tolerance)
      : best === truth.codes[row];
    if (ok) {
      correct[i] = 1;
      successes++;
    }
  }
  return { correct, n, successes, noGuess };
}

/**
 * The naive baseline: each target's guess is the secret of a random release record with a known
 * secret.
 * @param release - the release's secret column
 * @param truth - the targets' secret column
 * @param rows - the targets' rows
 * @param numeric - whether the secret is numeric
 * @param tolerance - relative tolerance of numeric guesses
 * @param random - seeded uniform [0, 1) source
 */
export function baselineGuesses(
  release: Column,
  truth: Column,
  rows: Int32Array,
  numeric: boolean,
  tolerance: number,
  random: () => number,
): Guesses {
  const pool: number[] = [];
  for (let r = 0; r < release.length; r++) if (known(release, r, numeric)) pool.push(r);
  const T = rows.length;
  const correct = new Int8Array(T);
  let n = 0;
  let successes = 0;
  for (let i = 0; i < T; i++) {
    const row = rows[i];
    if (!known(truth, row, numeric)) {
      correct[i] = -1;
      continue;
    }
    n++;
    if (pool.length === 0) continue;
    const r = pool[Math.floor(random() * pool.length)];
    const ok = numeric
      ? withinTolerance(release.numbers![r], truth.numbers![row], tolerance)
      : release.codes[r] === truth.codes[row];
    if (ok) {
      correct[i] = 1;
      successes++;
    }
  }
  return { correct, n, successes, noGuess: pool.length === 0 ? n : 0 };
}

/**
 * The majority guesser: every target gets the release's most frequent known value (lowest code on a
 * tie). Run on members and on non-members it shows how far the two sets differ in how guessable the
 * secret is — a difference that moves accuracy − control without any leak.
 * @param release - the release's secret column
 * @param truth - the targets' secret column
 * @param rows - the targets' rows
 * @param numeric - whether the secret is numeric
 * @param tolerance - relative tolerance of numeric guesses
 */
export function modeGuesses(
  release: Column,
  truth: Column,
  rows: Int32Array,
  numeric: boolean,
  tolerance: number,
): Guesses {
  const counts = new Int32Array(release.cardinality);
  for (let r = 0; r < release.length; r++) {
    const c = release.codes[r];
    if (c >= 0 && known(release, r, numeric)) counts[c]++;
  }
  let mode = -1;
  for (let c = 0; c < counts.length; c++)
    if (counts[c] > 0 && (mode < 0 || counts[c] > counts[mode])) mode = c;
  let value = Number.NaN;
  if (numeric && mode >= 0) value = release.numbers![release.codes.indexOf(mode)];
  const correct = new Int8Array(rows.length);
  let n = 0;
  let successes = 0;
  rows.forEach((row, i) => {
    if (!known(truth, row, numeric)) {
      correct[i] = -1;
      return;
    }
    n++;
    const ok =
      mode >= 0 &&
      (numeric ? withinTolerance(value, truth.numbers![row], tolerance) : truth.codes[row] === mode);
    if (ok) {
      correct[i] = 1;
      successes++;
    }
  });
  return { correct, n, successes, noGuess: mode < 0 ? n : 0 };
}
