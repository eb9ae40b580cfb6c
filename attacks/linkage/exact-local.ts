/**
 * @module attacks/linkage/exact-local — exact compatible-set linkage on the local engine: the
 * release's classes over the known QIs, blocking (block.ts) and the `linkage.exactSets` kernel on the
 * pool (exact-kernels.ts). src/engine/local.ts answers `compatibleSets` with this.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import type { EncodedTable } from '../../src/encode/types.js';
import type { CompatibleSets, CompatibleSetsQuery } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { WorkerPool } from '../../src/pool/pool.js';
import { ranges } from '../../src/pool/pool.js';
import { classIndex } from '../shared/classes.js';
import type { AttackContext, LinkageInputs } from '../types.js';
import { buildBlockIndex, planBlocking } from './block.js';
import { classView } from './class-view.js';
import { type LinkageData, prepareLinkage } from './prepare.js';

/** Expected bucket size at which the exact method stops adding QIs to its blocking key. */
const EXACT_BUDGET = 4;

/**
 * The release's classes over the known QIs, their class view and the blocking index the exact
 * method walks (attacks/linkage/exact-kernels.ts `classWalker`); shared with the person-level attacks.
 * @param ctx - the attack context (with `linkage`)
 * @param data - the prepared known QIs
 */
export async function classBlocking(ctx: Pick<AttackContext, 'release' | 'pool'>, data: LinkageData) {
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

/** The unseen-as-generalized linkage inputs, or null when they equal the strict ones on `columns`. */
function withRelation(lk: LinkageInputs, q: CompatibleSetsQuery): LinkageInputs | null {
  if (q.relation === 'strict') return lk;
  const loose = lk.compatUnknownAsGeneralized;
  if (
    !loose ||
    q.columns.every((c) => (loose.get(c.name) ?? lk.compat.get(c.name)) === lk.compat.get(c.name))
  )
    return null;
  return { ...lk, compat: loose };
}

/**
 * Compatible sets on the local engine.
 * @param release - the encoded release
 * @param lk - the linkage inputs (targets encoded with the release's dictionaries, relations)
 * @param pool - the worker pool
 * @param q - the question (its targets, truth and uniforms are those of `lk`'s sample)
 */
export async function localCompatibleSets(
  release: EncodedTable,
  lk: LinkageInputs,
  pool: WorkerPool,
  q: CompatibleSetsQuery,
): Promise<CompatibleSets | null> {
  if (q.targets !== lk.targetsRole)
    throw new ReidgateError('INTERNAL', `local engine: targets are --${lk.targetsRole}, not --${q.targets}`);
  const rel = withRelation({ ...lk, targetRows: q.targetRows, knownQi: q.columns.map((c) => c.name) }, q);
  if (!rel) return null;
  const ctx = { release, linkage: rel, qi: q.columns, pool } as unknown as AttackContext;
  const data = prepareLinkage(ctx);
  const T = data.targetRows.length;
  const { classes, view, block, fields } = await classBlocking(ctx, data);
  const truthClass = sharedInt32(T);
  q.truth.forEach((row, t) => {
    truthClass[t] = row >= 0 ? classes.classOf[row] : -1;
  });
  const uniform = q.uniform;
  const claimed = sharedInt32(T);
  const setSize = sharedInt32(T);
  const truthInSet = sharedInt32(T);
  const shards = ranges(T, pool.workers * 4);
  await pool.map(
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
  let fullScans = 0;
  for (let t = 0; t < T; t++) if (block.targetBuckets[block.targetOffsets[t]] === -1) fullScans++;
  const warnings: string[] = [];
  if (fullScans > 0) {
    warnings.push(
      `exact linkage compared ${fullScans} target(s) with every release row (unknown values in the blocking QIs)`,
    );
  }
  return {
    setSize,
    truthInSet,
    claimed,
    releaseClasses: classes.classes,
    blockingQis: fields.map((j) => data.fields[j].name),
    details: { expectedBucketSize: block.estimate, fullScans },
    warnings,
  };
}
