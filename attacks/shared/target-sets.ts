/**
 * @module attacks/shared/target-sets — sets of targets (members, non-members) attacked through their
 * nearest released records: a seeded shuffle of the release, so that the neighbour search's
 * lowest-row tie-breaking becomes a seeded uniform pick, and Gower scales fixed over the release and
 * every target set, so that members and non-members are measured alike (Giomi et al., PETS 2023,
 * doi:10.56553/popets-2023-0055). Used by attribute inference and by linkability.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { Column, EncodedTable } from '../../src/encode/types.js';
import { deriveSeed, rng, sampleIndices } from '../../src/stats/random.js';
import type { AttackContext } from '../types.js';

/** One set of targets: a table and the sampled rows of it. */
export interface TargetSet {
  role: 'original' | 'control';
  table: EncodedTable;
  /** Sampled rows, increasing. */
  rows: Int32Array;
}

/**
 * Seeded samples of n targets from the original (members) and from the control (non-members),
 * independent streams named after the attack.
 * @param ctx - the attack context (needs `original` and `control`)
 * @param n - targets per set (≤ the rows of each)
 * @param label - the attack's name in the seed derivation (e.g. 'inference', 'linkability')
 */
export function sampleTargetSets(ctx: AttackContext, n: number, label: string): [TargetSet, TargetSet] {
  const pick = (role: 'original' | 'control'): TargetSet => {
    const table = ctx[role]!;
    return {
      role,
      table,
      rows: sampleIndices(table.rows, n, rng(deriveSeed(ctx.seed, `${label}:targets:${role}`))),
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
