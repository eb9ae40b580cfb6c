/**
 * @module attacks/linkage/exact — exact compatible-set linkage.
 *
 * The attacker knows each target's QI values (an unknown value is skipped) and understands the
 * release's generalizations: a released value is compatible with a known value when it is the same
 * value (numbers compared by value), an interval or coarser date containing it, a mask or hierarchy
 * ancestor covering it, or a suppression / wildcard. S_t is the set of release rows compatible with
 * target t on every known QI. Knowing no more, the attacker picks uniformly from S_t, so
 *
 *   expectedSuccess_t = 1/|S_t| if t's true record is in S_t, else 0;   confidence_t = 1/|S_t|
 *
 * and the realized pick uses a seeded PRNG. In the prosecutor setting with an ungeneralized release,
 * S_t is t's equivalence class, and the mean expected success is the mean prosecutor risk (El Emam &
 * Dankar 2008, doi:10.1197/jamia.M2716; Sweeney 2002, doi:10.1142/S0218488502001648).
 */
import { sharedFloat64 } from '../../src/encode/encode.js';
import { LocalEngine } from '../../src/engine/local.js';
import type { Engine, LinkageRelation } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';
import type { MethodResult } from './method.js';
import { uniforms } from './prepare.js';

export { classBlocking } from './exact-local.js';

/** Bins of the compatible-set size distribution in the details. */
const SIZE_BINS: ReadonlyArray<[string, number, number]> = [
  ['0', 0, 0],
  ['1', 1, 1],
  ['2', 2, 2],
  ['3-4', 3, 4],
  ['5-9', 5, 9],
  ['10-99', 10, 99],
  ['100+', 100, Infinity],
];

/** The trial's engine, or the local engine over the context's encoded tables. */
function engineOf(ctx: AttackContext): Engine {
  return ctx.engine ?? new LocalEngine({ release: ctx.release }, ctx.pool, {}, ctx.linkage);
}

/**
 * Runs exact compatible-set linkage for the sampled targets, on the trial's engine
 * (src/engine/types.ts `compatibleSets`).
 * @param ctx - the attack context (with `linkage`)
 * @param relation - how released values are read (see LinkageRelation)
 * @returns claims, confidence 1/|S_t| and expected success per target; set sizes in details. Null
 *   for 'unseen-as-generalized' when no released value is unseen (the strict result stands).
 */
export async function exactLinkage(
  ctx: AttackContext,
  relation: LinkageRelation = 'strict',
): Promise<MethodResult | null> {
  const lk = ctx.linkage;
  if (!lk) throw new ReidgateError('INTERNAL', 'linkage: no targets (needs --original or --auxiliary)');
  const engine = engineOf(ctx);
  if (!engine.compatibleSets || !engine.ops.has('compatibleSets'))
    throw new ReidgateError('INTERNAL', `exact linkage: --engine ${engine.name} has no compatibleSets`);
  const T = lk.targetRows.length;
  const kinds = new Map(ctx.qi.map((q) => [q.name, q.kind]));
  const sets = await engine.compatibleSets({
    targets: lk.targetsRole,
    columns: lk.knownQi.map((name) => ({ name, kind: kinds.get(name) ?? 'categorical' })),
    targetRows: lk.targetRows,
    truth: lk.truth,
    uniform: uniforms(T, rng(deriveSeed(ctx.seed, 'exact'))),
    relation,
  });
  if (!sets) return null;
  const { setSize, truthInSet, claimed } = sets;
  const confidence = sharedFloat64(T);
  const expectedSuccess = sharedFloat64(T);
  for (let t = 0; t < T; t++) {
    const s = setSize[t];
    confidence[t] = s > 0 ? 1 / s : Number.NaN;
    expectedSuccess[t] = truthInSet[t] && s > 0 ? 1 / s : 0;
  }
  const histogram = SIZE_BINS.map(([label, lo, hi]) => {
    let n = 0;
    for (let t = 0; t < T; t++) if (setSize[t] >= lo && setSize[t] <= hi) n++;
    return [label, n] as const;
  });
  let sum = 0;
  for (let t = 0; t < T; t++) sum += setSize[t];
  return {
    method: relation === 'strict' ? 'exact' : 'exact-unseen-as-generalized',
    claimed,
    confidence,
    expectedSuccess,
    details: {
      blockingQis: sets.blockingQis,
      releaseClasses: sets.releaseClasses,
      ...sets.details,
      meanSetSize: T > 0 ? sum / T : 0,
      setSizes: Object.fromEntries(histogram),
      uniqueMatches: histogram[1][1],
      emptySets: histogram[0][1],
    },
    warnings: sets.warnings,
  };
}

/** Per-target compatible-set sizes, for callers that need them (set size = 1 / confidence). */
export function setSizesOf(result: MethodResult): Int32Array {
  return Int32Array.from(result.confidence, (c) => (Number.isNaN(c) ? 0 : Math.round(1 / c)));
}
