/**
 * @module attacks/singling-out/mode — one mode of the singling-out attack (univariate or
 * multivariate): build the predicates, count them on the original and the control, score.
 *
 *   main     = share of release-built predicates isolating exactly one member   (on the original)
 *   control  = share of the same predicates isolating exactly one non-member     (on the control)
 *   baseline = share of randomly built predicates isolating exactly one member  (on the original)
 *   risk     = (main − control) / (1 − control)                                  (src/stats residualRisk)
 *
 * Both sets are compared at equal size (normalize.ts). Giomi et al., PETS 2023,
 * doi:10.56553/popets-2023-0055.
 */
import type { Column } from '../../src/encode/types.js';
import { type Rate, type ResidualRisk, residualRisk, wilson } from '../../src/stats/intervals.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';
import { buffersOf, countOnPool, searchMultivariate } from './evaluate.js';
import { expectedSuccesses, type Scale } from './normalize.js';
import {
  baselinePredicates,
  choose,
  domainOf,
  isNumeric,
  type Predicates,
  pack,
  size,
  univariateCandidates,
} from './predicates.js';

export type Mode = 'univariate' | 'multivariate';

/** The tables of one run, QI columns in QI order. */
export interface ModeInputs {
  release: readonly Column[];
  original: readonly Column[];
  control: readonly Column[];
  scaleOriginal: Scale;
  scaleControl: Scale;
}

export interface ModeResult {
  mode: Mode;
  requested: number;
  generated: number;
  /** Univariate: isolating candidates that exist; multivariate: candidates drawn. */
  candidates: number;
  /** Multivariate: why the search stopped. */
  stop?: 'enough' | 'budget' | 'stalled';
  /** Why no predicate could be built, when that is known beforehand. */
  reason?: string;
  /** Terms per predicate, [min, max] (multivariate). */
  terms?: [number, number];
  main?: Rate;
  control?: Rate;
  baseline?: Rate;
  /**
   * Success on the whole original and on the whole control, before the equal-size comparison
   * (differs from main / control only when the two sets differ in size).
   */
  unscaled?: { original: Rate; control: Rate };
  risk?: ResidualRisk;
}

/**
 * residualRisk clips its interval's lower end at 0 but not its upper end, so a clearly negative risk
 * (the release helps less with members than with anyone) comes back as [0, negative]. The upper end
 * is raised to the lower one: the risk is then 0 at most.
 */
function orderedInterval(r: ResidualRisk): ResidualRisk {
  return r.ci[1] >= r.ci[0] ? r : { ...r, ci: [r.ci[0], r.ci[0]] };
}

/** Candidate budget of the multivariate search: this many per requested predicate. */
const ATTEMPTS_PER_PREDICATE = 250;

async function build(
  mode: Mode,
  ctx: Pick<AttackContext, 'pool' | 'seed'>,
  release: readonly Column[],
  n: number,
): Promise<Omit<ModeResult, 'mode' | 'requested' | 'generated'> & { predicates: Predicates }> {
  if (mode === 'univariate') {
    const all = univariateCandidates(release);
    const picked = choose(all, n, rng(deriveSeed(ctx.seed, 'univariate')));
    return { predicates: pack(picked), candidates: all.length };
  }
  if (release.length < 2) return { predicates: pack([]), candidates: 0, reason: 'it needs at least 2 QIs' };
  const terms: [number, number] = [2, Math.min(4, release.length)];
  const budget = Math.max(ATTEMPTS_PER_PREDICATE * n, 4096);
  const s = await searchMultivariate(ctx, release, n, terms, budget);
  return { predicates: s.predicates, candidates: s.attempts, stop: s.stop, terms };
}

/**
 * Runs one mode.
 * @param mode - univariate or multivariate
 * @param ctx - pool and seed
 * @param inputs - QI columns of each table and the size normalization
 * @param n - predicates requested
 */
export async function runMode(
  mode: Mode,
  ctx: Pick<AttackContext, 'pool' | 'seed'>,
  inputs: ModeInputs,
  n: number,
): Promise<ModeResult> {
  const { predicates, ...rest } = await build(mode, ctx, inputs.release, n);
  const generated = size(predicates);
  const result: ModeResult = { mode, requested: n, generated, ...rest };
  if (generated === 0) return result;

  const sizes = Array.from(
    { length: generated },
    (_, q) => predicates.offsets[q + 1] - predicates.offsets[q],
  );
  const baseline = baselinePredicates(
    inputs.release.map(domainOf),
    inputs.release.map(isNumeric),
    sizes,
    rng(deriveSeed(ctx.seed, `baseline:${mode}`)),
  );
  const original = buffersOf(inputs.original);
  const [onOriginal, onControl, baselineOnOriginal] = await Promise.all([
    countOnPool(ctx.pool, original, predicates, inputs.scaleOriginal.cap),
    countOnPool(ctx.pool, buffersOf(inputs.control), predicates, inputs.scaleControl.cap),
    countOnPool(ctx.pool, original, baseline, inputs.scaleOriginal.cap),
  ]);
  result.main = wilson(expectedSuccesses(onOriginal, inputs.scaleOriginal), generated);
  result.control = wilson(expectedSuccesses(onControl, inputs.scaleControl), generated);
  const ones = (counts: Int32Array) => counts.reduce((s, k) => s + (k === 1 ? 1 : 0), 0);
  result.unscaled = {
    original: wilson(ones(onOriginal), generated),
    control: wilson(ones(onControl), generated),
  };
  result.baseline = wilson(expectedSuccesses(baselineOnOriginal, inputs.scaleOriginal), generated);
  result.risk = orderedInterval(residualRisk(result.main, result.control));
  return result;
}
