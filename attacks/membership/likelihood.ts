/**
 * @module attacks/membership/likelihood — the membership score under a declared randomization channel
 * (PRAM, randomized response, Laplace or Gaussian noise; src/run/randomization.ts).
 *
 * Model: each release row r is a member's record x passed through the channel column by column,
 * P(r | x) = Π_c P_c(r_c | x_c) (P_c the declared matrix, the noise density, or — for a column with no
 * declaration — 1 when r_c = x_c and 0 otherwise); a non-member's record is a draw from the population,
 * whose randomized records have distribution q(r) = E_x P(r | x). The score of a target t is
 *
 *   score(t) = log[(1/n) Σ_r P(r | t) / q̂(r)],   q̂(r) = (Σ_{x ∈ ref} P(r | x) + ½·P(r | r)) / (m + ½)
 *
 * over the n release rows, with q̂ estimated on the m reference records (½ of a record at r itself
 * keeps q̂ > 0 where no reference record can produce r).
 *
 * Why this aggregate — a sum of likelihood ratios over rows, not a max and not a bare sum: if t is a
 * member, one release row (which one is unknown) was drawn from P(· | t) and the others from q. The
 * likelihood of the release under "t is in" is (1/n) Σ_i P(r_i | t) Π_{j≠i} q(r_j) and under "t is
 * out" Π_j q(r_j), so their ratio is exactly (1/n) Σ_r P(r | t)/q(r): by the Neyman–Pearson lemma
 * (Neyman & Pearson 1933, doi:10.1098/rsta.1933.0009) thresholding it is the most powerful test at
 * every false-positive rate under this model. The max over rows keeps only the most likely origin and
 * throws evidence away when the channel is noisy (PRAM keeping each of six values with probability
 * 0.8 leaves a member's own row unchanged with chance 0.8⁶ ≈ 0.26, and several rows explain it about
 * equally well). Without dividing by q(r) the bare sum is dominated by rows that are merely common:
 * every typical person, member or not, gets a large sum — even calibrated per target by its expected
 * value for a non-member (a first version; on the generated PRAM test of
 * test/attacks/membership-randomized.test.ts its AUC was 0.55, the ratio's is 0.59 and the Gower
 * DCR's 0.57); the division weighs each row by how surprising it is in
 * the population, which is what a member's own randomized row is. Noise densities are scaled to 1 at
 * 0 (a constant per column that cancels in the ratio). A missing value on either side drops the column
 * from the product; in an undeclared column it matches only a missing value.
 *
 * Exact sums, no pruning: rows equal on every compared column are merged (with their count) and rows
 * are grouped by their undeclared columns, so a target visits only the rows that agree with it there;
 * with every column randomized that is all distinct rows: O((targets + release) × distinct rows) per
 * column.
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { ranges, type WorkerPool } from '../../src/pool/pool.js';
import type { Channel } from '../types.js';
import type { ColumnSpec } from './space.js';

export const MATRIX = 1;
export const LAPLACE = 2;
export const GAUSSIAN = 3;

/** Kernel input: randomized columns of targets and of a (deduplicated, grouped) base set. */
export interface LikelihoodPayload {
  /** Randomized columns. */
  C: number;
  type: Int32Array;
  /** Matrix size and offset into `matrices` (categorical columns). */
  size: Int32Array;
  offset: Int32Array;
  matrices: Float64Array;
  /** Noise scale b or σ. */
  scale: Float64Array;
  /** targets × C: codes (categorical) or numbers (noise). */
  tData: Float64Array;
  /** Per target, its group of base rows (−1: none). */
  tGroup: Int32Array;
  /** base rows × C, sorted by group, and each row's multiplicity. */
  bData: Float64Array;
  bWeight: Float64Array;
  /** Offsets of each group's base rows (groups + 1). */
  groupStart: Int32Array;
  from: number;
  to: number;
}

/**
 * Kernel: Σ over the target's group of weight × Π_c kernel_c(target_c, base_c), for targets [from, to);
 * a categorical kernel is matrices[offset + target code · size + base code].
 */
export function likelihoodSums(p: LikelihoodPayload): Float64Array {
  const { C, type, size, offset, matrices, scale, tData, bData, bWeight } = p;
  const out = new Float64Array(p.to - p.from);
  for (let t = p.from; t < p.to; t++) {
    const g = p.tGroup[t];
    if (g < 0) continue;
    let sum = 0;
    for (let j = p.groupStart[g]; j < p.groupStart[g + 1]; j++) {
      let prod = bWeight[j];
      // noise terms add up in the exponent: one exp per pair, not one per column
      let expo = 0;
      for (let c = 0; c < C && prod > 0; c++) {
        const a = tData[t * C + c];
        const b = bData[j * C + c];
        const ty = type[c];
        if (ty === MATRIX) {
          if (a < 0 || b < 0) continue;
          prod *= matrices[offset[c] + a * size[c] + b];
        } else {
          if (Number.isNaN(a) || Number.isNaN(b)) continue;
          const z = Math.abs(a - b) / scale[c];
          expo -= ty === LAPLACE ? z : (z * z) / 2;
        }
      }
      if (prod > 0) sum += expo === 0 ? prod : prod * Math.exp(expo);
    }
    out[t - p.from] = sum;
  }
  return out;
}

/** The transpose of a square matrix (row-major, size × size). */
function transpose(m: Float64Array, size: number, into: Float64Array, at: number): void {
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) into[at + b * size + a] = m[a * size + b];
}

/** A set of rows of a table. */
interface RowSet {
  table: EncodedTable;
  rows?: Int32Array;
}

function* rowsOf(s: RowSet): Generator<number> {
  if (s.rows) yield* s.rows;
  else for (let i = 0; i < s.table.rows; i++) yield i;
}

/** The compared columns split into randomized (with their channel) and undeclared ones. */
interface Plan {
  rand: Array<{ name: string; channel: Channel }>;
  ident: string[];
}

function value(t: EncodedTable, name: string, row: number, ch: Channel): number {
  const c = t.columns.get(name)!;
  return ch.kind === 'noise' ? (c.numbers ? c.numbers[row] : Number.NaN) : c.codes[row];
}

function identKey(t: EncodedTable, plan: Plan, row: number): string {
  let k = '';
  for (const name of plan.ident) k += `${t.columns.get(name)!.codes[row]},`;
  return k;
}

/** Deduplicates and groups a base set; returns the payload's base part and the group ids by key. */
function layoutBase(s: RowSet, plan: Plan) {
  const C = plan.rand.length;
  const groups = new Map<string, Map<string, { values: number[]; weight: number }>>();
  let n = 0;
  for (const r of rowsOf(s)) {
    const gk = identKey(s.table, plan, r);
    let g = groups.get(gk);
    if (!g) {
      g = new Map();
      groups.set(gk, g);
    }
    const values = plan.rand.map((x) => value(s.table, x.name, r, x.channel));
    const vk = values.join(',');
    const e = g.get(vk);
    if (e) e.weight++;
    else {
      g.set(vk, { values, weight: 1 });
      n++;
    }
  }
  const bData = sharedFloat64(n * C);
  const bWeight = sharedFloat64(n);
  const groupStart = sharedInt32(groups.size + 1);
  const groupOf = new Map<string, number>();
  const keyOf: string[] = [];
  let j = 0;
  let gi = 0;
  for (const [gk, g] of groups) {
    groupOf.set(gk, gi);
    keyOf.push(gk);
    groupStart[gi++] = j;
    for (const e of g.values()) {
      bData.set(e.values, j * C);
      bWeight[j++] = e.weight;
    }
  }
  groupStart[gi] = j;
  return { bData, bWeight, groupStart, groupOf, keyOf, distinct: n };
}

export interface LikelihoodInputs {
  release: EncodedTable;
  columns: readonly ColumnSpec[];
  channels: ReadonlyMap<string, Channel>;
  /** Targets: members (original rows) then non-members (control rows). */
  targets: readonly RowSet[];
  reference: RowSet;
}

export interface LikelihoodResult {
  /** One score per target (members first); −∞ when no release row can come from the target. */
  values: Float64Array;
  randomized: string[];
  undeclared: string[];
  distinctReleaseRows: number;
  distinctReferenceRows: number;
}

/** Σ_j w_j Π_c kernel over each query's group of base rows, on the pool. */
async function sums(
  pool: WorkerPool,
  common: Pick<LikelihoodPayload, 'C' | 'type' | 'size' | 'offset' | 'matrices' | 'scale'>,
  queries: { data: Float64Array; group: Int32Array },
  base: Pick<LikelihoodPayload, 'bData' | 'bWeight' | 'groupStart'>,
): Promise<Float64Array> {
  const T = queries.group.length;
  const parts = await pool.map(
    'membership.likelihood',
    ranges(T, pool.workers * 4).map(([from, to]) => ({
      ...common,
      ...base,
      tData: queries.data,
      tGroup: queries.group,
      from,
      to,
    })),
  );
  const out = new Float64Array(T);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/**
 * The likelihood-ratio score of every target (module comment).
 * @param pool - worker pool (queries are sharded over it)
 * @param s - release, compared columns, declared channels, targets and reference
 */
export async function likelihoodScores(pool: WorkerPool, s: LikelihoodInputs): Promise<LikelihoodResult> {
  const rand = s.columns
    .filter((c) => s.channels.has(c.name))
    .map((c) => ({ name: c.name, channel: s.channels.get(c.name)! }));
  const plan: Plan = { rand, ident: s.columns.filter((c) => !s.channels.has(c.name)).map((c) => c.name) };
  const C = rand.length;
  const type = Int32Array.from(rand, (x) =>
    x.channel.kind === 'categorical' ? MATRIX : x.channel.method === 'laplace' ? LAPLACE : GAUSSIAN,
  );
  const size = Int32Array.from(rand, (x) => (x.channel.kind === 'categorical' ? x.channel.size : 0));
  const scale = Float64Array.from(rand, (x) => (x.channel.kind === 'noise' ? x.channel.scale : 1));
  const offset = new Int32Array(C);
  let total = 0;
  rand.forEach((_, c) => {
    offset[c] = total;
    total += size[c] * size[c];
  });
  // P(released | original) indexed [original · size + released], and its transpose for q̂(r).
  const forward = sharedFloat64(total);
  const backward = sharedFloat64(total);
  rand.forEach((x, c) => {
    if (x.channel.kind !== 'categorical') return;
    forward.set(x.channel.matrix, offset[c]);
    transpose(x.channel.matrix, size[c], backward, offset[c]);
  });
  const common = { C, type, size, offset, scale };

  // q̂(r) for each distinct release row, from the reference.
  const rel = layoutBase({ table: s.release }, plan);
  const ref = layoutBase(s.reference, plan);
  const relGroup = sharedInt32(rel.distinct);
  for (let g = 0; g < rel.keyOf.length; g++) {
    const rg = ref.groupOf.get(rel.keyOf[g]) ?? -1;
    for (let j = rel.groupStart[g]; j < rel.groupStart[g + 1]; j++) relGroup[j] = rg;
  }
  const fromRef = await sums(
    pool,
    { ...common, matrices: backward },
    { data: rel.bData, group: relGroup },
    ref,
  );
  const m = s.reference.rows?.length ?? s.reference.table.rows;
  const weight = sharedFloat64(rel.distinct);
  for (let j = 0; j < rel.distinct; j++) {
    let self = 1;
    for (let c = 0; c < C; c++) {
      const v = rel.bData[j * C + c];
      if (type[c] === MATRIX && v >= 0) self *= forward[offset[c] + v * size[c] + v];
    }
    const q = (fromRef[j] + 0.5 * self) / (m + 0.5);
    weight[j] = q > 0 ? rel.bWeight[j] / q : 0;
  }

  const T = s.targets.reduce((a, t) => a + (t.rows?.length ?? t.table.rows), 0);
  const tData = sharedFloat64(T * C);
  const tGroup = sharedInt32(T);
  let t = 0;
  for (const set of s.targets) {
    for (const r of rowsOf(set)) {
      tGroup[t] = rel.groupOf.get(identKey(set.table, plan, r)) ?? -1;
      rand.forEach((x, c) => {
        tData[t * C + c] = value(set.table, x.name, r, x.channel);
      });
      t++;
    }
  }
  const lr = await sums(
    pool,
    { ...common, matrices: forward },
    { data: tData, group: tGroup },
    { bData: rel.bData, bWeight: weight, groupStart: rel.groupStart },
  );
  const n = Math.max(1, s.release.rows);
  return {
    values: Float64Array.from(lr, (v) => Math.log(v / n)),
    randomized: rand.map((x) => x.name),
    undeclared: plan.ident,
    distinctReleaseRows: rel.distinct,
    distinctReferenceRows: ref.distinct,
  };
}
