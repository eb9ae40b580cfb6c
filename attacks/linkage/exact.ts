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
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import { ranges } from '../../src/pool/pool.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { classIndex } from '../shared/classes.js';
import type { AttackContext } from '../types.js';
import { buildBlockIndex, planBlocking } from './block.js';
import { classView } from './class-view.js';
import type { MethodResult } from './method.js';
import { type LinkageData, prepareLinkage, uniforms } from './prepare.js';

/** Expected bucket size at which the exact method stops adding QIs to its blocking key. */
const EXACT_BUDGET = 4;

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

/**
 * The release's classes over the known QIs, their class view and the blocking index the exact
 * method walks (attacks/linkage/exact-kernels.ts `classWalker`); shared with the person-level attacks.
 * @param ctx - the attack context (with `linkage`)
 * @param data - the prepared known QIs
 */
export async function classBlocking(ctx: AttackContext, data: LinkageData) {
  const classes = await classIndex(
    data.fields.map((f) => ctx.release.columns.get(f.name)!),
    data.releaseRows,
    ctx.pool,
  );
  const view = classView(data, classes);
  const plan = planBlocking(view, EXACT_BUDGET, 1, Infinity);
  const fields = plan[0]?.fields ?? [];
  const block = buildBlockIndex(view, fields, plan[0]?.stats ?? [], plan[0]?.estimate ?? view.releaseRows);
  return { classes, view, block, fields };
}

/**
 * Runs exact compatible-set linkage for the sampled targets.
 * @param ctx - the attack context (with `linkage`)
 * @returns claims, confidence 1/|S_t| and expected success per target; set sizes in details
 */
export async function exactLinkage(ctx: AttackContext): Promise<MethodResult> {
  const data = prepareLinkage(ctx);
  const T = data.targetRows.length;
  const { classes, view, block, fields } = await classBlocking(ctx, data);
  const truthClass = sharedInt32(T);
  ctx.linkage!.truth.forEach((row, t) => {
    truthClass[t] = row >= 0 ? classes.classOf[row] : -1;
  });
  const uniform = uniforms(T, rng(deriveSeed(ctx.seed, 'exact')));
  const claimed = sharedInt32(T);
  const setSize = sharedInt32(T);
  const truthInSet = sharedInt32(T);
  const shards = ranges(T, ctx.pool.workers * 4);
  await ctx.pool.map(
    'linkage.exactSets',
    shards.map(([start, end]) => ({
      data: view,
      block,
      starts: classes.starts,
      order: classes.order,
      truthClass,
      uniform,
      start,
      end,
      claimed,
      setSize,
      truthInSet,
    })),
  );

  const confidence = sharedFloat64(T);
  const expectedSuccess = sharedFloat64(T);
  let fullScans = 0;
  for (let t = 0; t < T; t++) {
    const s = setSize[t];
    confidence[t] = s > 0 ? 1 / s : Number.NaN;
    expectedSuccess[t] = truthInSet[t] && s > 0 ? 1 / s : 0;
    if (block.targetBuckets[block.targetOffsets[t]] === -1) fullScans++;
  }
  const histogram = SIZE_BINS.map(([label, lo, hi]) => {
    let n = 0;
    for (let t = 0; t < T; t++) if (setSize[t] >= lo && setSize[t] <= hi) n++;
    return [label, n] as const;
  });
  let sum = 0;
  for (let t = 0; t < T; t++) sum += setSize[t];
  const warnings: string[] = [];
  if (fullScans > 0) {
    warnings.push(
      `exact linkage compared ${fullScans} target(s) with every release row (unknown values in the blocking QIs)`,
    );
  }
  return {
    method: 'exact',
    claimed,
    confidence,
    expectedSuccess,
    details: {
      blockingQis: fields.map((j) => data.fields[j].name),
      releaseClasses: classes.classes,
      expectedBucketSize: block.estimate,
      fullScans,
      meanSetSize: T > 0 ? sum / T : 0,
      setSizes: Object.fromEntries(histogram),
      uniqueMatches: histogram[1][1],
      emptySets: histogram[0][1],
    },
    warnings,
  };
}

/** Per-target compatible-set sizes, for callers that need them (set size = 1 / confidence). */
export function setSizesOf(result: MethodResult): Int32Array {
  return Int32Array.from(result.confidence, (c) => (Number.isNaN(c) ? 0 : Math.round(1 / c)));
}
