/**
 * @module attacks/inference/prepare — the inference attack's inputs: the secrets and their kinds, the
 * seeded member and non-member targets, a seeded shuffle of the release, and the Gower scales.
 *
 * The release is searched in a seeded random order so that "the nearest record" among records at the
 * same distance is a uniformly random one (the neighbour search breaks ties by lowest row): the
 * attack then does not depend on how the release happens to be sorted (a release sorted by the
 * secret would otherwise hand the attacker, or deny it, the right value among tied records).
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { Column, EncodedTable } from '../../src/encode/types.js';
import { listNames, q, ReidgateError } from '../../src/errors.js';
import { deriveSeed, rng, sampleIndices } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';

/** A secret (sensitive attribute) and how its guesses are judged. */
export interface Secret {
  name: string;
  numeric: boolean;
}

/** One set of targets: a table and the sampled rows of it. */
export interface TargetSet {
  role: 'original' | 'control';
  table: EncodedTable;
  /** Sampled rows, increasing. */
  rows: Int32Array;
}

/**
 * The column `name` of `table`, or a COLUMN error naming the role and the columns it has.
 * @throws ReidgateError('COLUMN')
 */
export function columnOf(table: EncodedTable, name: string, flag: string, role: string): Column {
  const c = table.columns.get(name);
  if (!c) {
    throw new ReidgateError(
      'COLUMN',
      `${flag}: column ${q(name)} not in ${role} (columns: ${listNames([...table.columns.keys()])})`,
    );
  }
  return c;
}

/**
 * The secrets, each present in the release, the original and the control.
 * @throws ReidgateError('COLUMN') when one is absent from a table; ('USAGE') when none is given
 */
export function secretsOf(ctx: AttackContext): Secret[] {
  if (ctx.sensitive.length === 0) throw new ReidgateError('USAGE', 'inference: needs --sensitive');
  return ctx.sensitive.map((name) => {
    const r = columnOf(ctx.release, name, '--sensitive', 'release');
    columnOf(ctx.original!, name, '--sensitive', 'original');
    columnOf(ctx.control!, name, '--sensitive', 'control');
    return { name, numeric: r.kind !== 'categorical' && r.numbers !== undefined };
  });
}

/**
 * Seeded samples of n targets from the original and from the control (independent streams).
 * @param n - targets per set (≤ the rows of each)
 */
export function sampleTargets(ctx: AttackContext, n: number): [TargetSet, TargetSet] {
  const pick = (role: 'original' | 'control'): TargetSet => {
    const table = ctx[role]!;
    return {
      role,
      table,
      rows: sampleIndices(table.rows, n, rng(deriveSeed(ctx.seed, `inference:targets:${role}`))),
    };
  };
  return [pick('original'), pick('control')];
}

/**
 * A copy of the release's `columns` with rows in a seeded random order (Fisher–Yates).
 * @returns the shuffled table; row i of it is row `from[i]` of the release
 */
export function shuffleRelease(
  release: EncodedTable,
  columns: readonly string[],
  seed: number,
): { table: EncodedTable; from: Int32Array } {
  const n = release.rows;
  const from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  const random = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = from[i];
    from[i] = from[j];
    from[j] = t;
  }
  const out = new Map<string, Column>();
  for (const name of new Set(columns)) {
    const c = release.columns.get(name)!;
    const codes = sharedInt32(n);
    for (let i = 0; i < n; i++) codes[i] = c.codes[from[i]];
    let numbers: Float64Array | undefined;
    if (c.numbers) {
      numbers = sharedFloat64(n);
      for (let i = 0; i < n; i++) numbers[i] = c.numbers[from[i]];
    }
    out.set(name, { name, kind: c.kind, length: n, cardinality: c.cardinality, codes, numbers });
  }
  return { table: { rows: n, columns: out, dictionaries: release.dictionaries }, from };
}

/**
 * Gower scales s_j: the range of each numeric QI over the release and both target samples (1 for
 * categorical columns and for a range of 0), fixed so that members and non-members are measured alike.
 */
export function gowerScales(
  release: EncodedTable,
  sets: readonly TargetSet[],
  columns: readonly string[],
): Float64Array {
  return Float64Array.from(columns, (name) => {
    const r = release.columns.get(name)!;
    if (r.kind === 'categorical' || !r.numbers) return 1;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const see = (v: number) => {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    };
    for (const v of r.numbers) see(v);
    for (const s of sets) {
      const nums = s.table.columns.get(name)?.numbers;
      if (nums) for (const i of s.rows) see(nums[i]);
    }
    const range = hi - lo;
    return range > 0 && Number.isFinite(range) ? range : 1;
  });
}
