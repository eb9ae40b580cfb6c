/**
 * @module attacks/linkage/prepare — the known quasi-identifiers as linkage kernels read them: both
 * sides' codes, canonical codes and the compatibility relation, all on shared memory.
 *
 * Equality is tested on canonical codes (codes.ts: `2` and `2.0` are one number), compatibility with
 * generalized values on the CSR relation from src/encode/joint.ts. Kernels read the release row-major
 * (`rowCodes`, `rowNumbers`): a candidate row's QIs then lie in one or two cache lines, which is what
 * makes comparing random rows of a million-row release fast. The preparation is cached per attack
 * inputs, so the methods of one run share it.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { ColumnKind } from '../../src/encode/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { AttackContext, LinkageInputs } from '../types.js';
import { canonicalCodes, universalCodes } from './codes.js';

/** One known QI as a kernel reads it (postable: typed arrays on shared memory are shared, not copied). */
export interface FieldData {
  name: string;
  kind: ColumnKind;
  /** Release codes, one per release row. */
  release: Int32Array;
  /** Targets' table codes, one per row of that table (-1 = unknown to the attacker). */
  target: Int32Array;
  /** Canonical code of each code (0 … cardinality-1). */
  canon: Int32Array;
  /** For each target code: compatible generalized release codes (CSR, from the joint encoding). */
  compatOffsets: Int32Array;
  compatCodes: Int32Array;
  cardinality: number;
  /** Per code: 1 when it is a generalized value compatible with every value the targets hold (`*`). */
  universal: Uint8Array;
  /** Per release / target row: the number a value stands for (numeric and date QIs; NaN otherwise). */
  releaseNumbers?: Float64Array;
  targetNumbers?: Float64Array;
}

/** Everything the linkage kernels share. */
export interface LinkageData {
  fields: FieldData[];
  /** Release codes row-major: row i's code of field j at i·K + j (K = fields.length). */
  rowCodes: Int32Array;
  /** Release numbers row-major for the numeric and date fields: row i's at i·N + numSlot[j]. */
  rowNumbers: Float64Array;
  /** Per field: its slot in `rowNumbers`, or -1 (categorical). */
  numSlot: Int32Array;
  /** Sampled targets' rows in the targets' table (shared copy of LinkageInputs.targetRows). */
  targetRows: Int32Array;
  releaseRows: number;
}

/** Copies an Int32Array onto shared memory. */
export function toShared(a: Int32Array): Int32Array {
  const out = sharedInt32(a.length);
  out.set(a);
  return out;
}

/** Copies a Float64Array onto shared memory. */
export function toSharedFloat(a: Float64Array): Float64Array {
  const out = sharedFloat64(a.length);
  out.set(a);
  return out;
}

/** Prepared data per linkage inputs and release (the methods of one run share it). */
const cache = new WeakMap<LinkageInputs, WeakMap<object, LinkageData>>();

/**
 * Builds (or returns the cached) kernels' view of the known QIs.
 * @param ctx - the attack context (must carry `linkage`)
 * @throws ReidgateError('INTERNAL') when linkage inputs are absent or inconsistent
 */
export function prepareLinkage(ctx: AttackContext): LinkageData {
  const lk: LinkageInputs | undefined = ctx.linkage;
  if (!lk) throw new ReidgateError('INTERNAL', 'linkage: no targets (needs --original or --auxiliary)');
  const byRelease = cache.get(lk) ?? new WeakMap<object, LinkageData>();
  cache.set(lk, byRelease);
  const hit = byRelease.get(ctx.release);
  if (hit) return hit;
  const data = build(ctx, lk);
  byRelease.set(ctx.release, data);
  return data;
}

/** Row-major copies of the release's codes and numbers (see the module note). */
export function rowMajor(fields: readonly FieldData[], n: number) {
  const K = fields.length;
  const numSlot = new Int32Array(K).fill(-1);
  let N = 0;
  for (let j = 0; j < K; j++) if (fields[j].releaseNumbers) numSlot[j] = N++;
  const rowCodes = sharedInt32(n * K);
  const rowNumbers = sharedFloat64(n * N);
  for (let j = 0; j < K; j++) {
    const codes = fields[j].release;
    for (let i = 0; i < n; i++) rowCodes[i * K + j] = codes[i];
    const x = fields[j].releaseNumbers;
    if (x) for (let i = 0; i < n; i++) rowNumbers[i * N + numSlot[j]] = x[i];
  }
  return { rowCodes, rowNumbers, numSlot };
}

function build(ctx: AttackContext, lk: LinkageInputs): LinkageData {
  const fields: FieldData[] = [];
  for (const name of lk.knownQi) {
    const rel = ctx.release.columns.get(name);
    const tgt = lk.targets.columns.get(name);
    const compat = lk.compat.get(name);
    if (!rel || !tgt || !compat) {
      throw new ReidgateError('INTERNAL', `linkage: QI ${name} is not encoded on both sides`);
    }
    const kind = ctx.qi.find((q) => q.name === name)?.kind ?? rel.kind;
    const cardinality = Math.max(rel.cardinality, tgt.cardinality, compat.offsets.length - 1);
    const canon = canonicalCodes(kind, cardinality, compat.generalized, [
      [rel.codes, rel.numbers],
      [tgt.codes, tgt.numbers],
    ]);
    fields.push({
      name,
      kind,
      release: rel.codes,
      target: tgt.codes,
      canon,
      compatOffsets: compat.offsets,
      compatCodes: compat.codes,
      cardinality,
      universal: universalCodes(cardinality, compat.generalized, compat.offsets, compat.codes, tgt.codes),
      releaseNumbers: kind === 'categorical' ? undefined : rel.numbers,
      targetNumbers: kind === 'categorical' ? undefined : tgt.numbers,
    });
  }
  return {
    fields,
    ...rowMajor(fields, ctx.release.rows),
    targetRows: toShared(lk.targetRows),
    releaseRows: ctx.release.rows,
  };
}

/**
 * Per target (index into the sample), a uniform draw in [0, 1) for the attacker's random pick among
 * equally good candidates: one sequential stream from `seed`, so results do not depend on sharding.
 */
export function uniforms(n: number, random: () => number): Float64Array {
  const out = sharedFloat64(n);
  for (let i = 0; i < n; i++) out[i] = random();
  return out;
}
