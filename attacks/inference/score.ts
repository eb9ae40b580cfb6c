/**
 * @module attacks/inference/score — one secret's figures: the main, control and baseline success
 * rates with Wilson intervals, the residual risk, and CAP / TCAP.
 *
 *   accuracy         = correct guesses on member targets / member targets with a known secret
 *   controlAccuracy  = the same attack on non-member targets (what the release says about anyone)
 *   baselineAccuracy = guesses drawn from the release's marginal distribution, on member targets
 *   risk             = (accuracy − control)/(1 − control) on Wilson centres, error propagated to
 *                      first order (Giomi et al., PETS 2023, doi:10.56553/popets-2023-0055; src/stats)
 *
 * A mean of CAP values in [0, 1] gets the Wilson interval of Σ CAP successes in n trials: a variable
 * in [0, 1] with mean p has variance at most p(1 − p), so that interval is conservative.
 */
import { type Rate, type ResidualRisk, residualRisk, wilson } from '../../src/stats/intervals.js';
import type { CapResult } from './cap.js';
import type { Guesses } from './guess.js';

/** CAP and TCAP figures of a categorical secret over one target set. */
export interface CapFigures {
  /** Mean CAP over targets whose QI class exists in the release (n = those targets). */
  capMean: Rate | null;
  /** Mean CAP with an undefined CAP counted as 0 (n = targets with a known secret). */
  capMeanAll: Rate | null;
  /** Mean marginal share of the target's value in the release (the univariate baseline). */
  capBaseline: Rate | null;
  /** Share of targets whose QI class exists in the release. */
  matched: number;
  /** TCAP over targeted records (n = targeted), null when none was targeted. */
  tcap: Rate | null;
  targeted: number;
}

/** All figures of one secret. */
export interface SecretScore {
  secret: string;
  numeric: boolean;
  main: Rate | null;
  control: Rate | null;
  baseline: Rate | null;
  risk: ResidualRisk | null;
  /**
   * The majority guesser (the release's most frequent value for everyone) on members and on
   * non-members, and its residual risk: above 0 when the member and control sets differ in how
   * guessable the secret is — part of `risk` is then that difference, not a leak.
   */
  majority: { main: Rate | null; control: Rate | null; risk: ResidualRisk | null };
  /** Raw counts (for details and warnings). */
  guesses: { main: Guesses; control: Guesses; baseline: Guesses };
  cap?: { main: CapFigures; control: CapFigures };
}

const rate = (x: number, n: number): Rate | null => (n > 0 ? wilson(x, n) : null);

/** CAP figures from a cap.ts tally. */
export function capFigures(c: CapResult): CapFigures {
  return {
    capMean: rate(c.capSum, c.matched),
    capMeanAll: rate(c.capSum, c.attacked),
    capBaseline: rate(c.baselineSum, c.attacked),
    matched: c.attacked > 0 ? c.matched / c.attacked : 0,
    tcap: rate(c.tcapSum, c.targeted),
    targeted: c.targeted,
  };
}

/**
 * residualRisk clips the lower end at 0; when the point value is clearly negative the upper end
 * can fall below it. The upper end is raised to the lower one (the risk is then 0 at most).
 */
function ordered(r: ResidualRisk): ResidualRisk {
  return r.ci[1] >= r.ci[0] ? r : { ...r, ci: [r.ci[0], r.ci[0]] };
}

/** What one secret's attack produced. */
export interface SecretTally {
  secret: string;
  numeric: boolean;
  /** Guesses on member targets. */
  main: Guesses;
  /** Guesses on non-member targets. */
  control: Guesses;
  /** Marginal guesses on member targets. */
  baseline: Guesses;
  /** Majority guesses on member and on non-member targets. */
  majority: { main: Guesses; control: Guesses };
  /** CAP tallies on members and non-members (categorical secrets). */
  cap?: { main: CapResult; control: CapResult };
}

/** Scores one secret. */
export function scoreSecret(t: SecretTally): SecretScore {
  const m = rate(t.main.successes, t.main.n);
  const c = rate(t.control.successes, t.control.n);
  const mm = rate(t.majority.main.successes, t.majority.main.n);
  const mc = rate(t.majority.control.successes, t.majority.control.n);
  return {
    secret: t.secret,
    numeric: t.numeric,
    main: m,
    control: c,
    baseline: rate(t.baseline.successes, t.baseline.n),
    risk: m && c ? ordered(residualRisk(m, c)) : null,
    majority: { main: mm, control: mc, risk: mm && mc ? ordered(residualRisk(mm, mc)) : null },
    guesses: { main: t.main, control: t.control, baseline: t.baseline },
    cap: t.cap ? { main: capFigures(t.cap.main), control: capFigures(t.cap.control) } : undefined,
  };
}
