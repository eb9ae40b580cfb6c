/**
 * @module attacks/membership/space — the three record distances of the membership attack, as
 * per-column plans, and the records of a table laid out row-major for the search kernel.
 *
 * A record is stored as p numbers: its categorical codes, then its numbers divided by the column's
 * scale s_j (so a numeric term is |x − y| on the stored values). Per column a term δ_j:
 *
 * - **gower** (Gower 1971, Biometrics 27:857, doi:10.2307/2528823), as attacks/linkage/distance-pair.ts
 *   defines it: categorical δ = 0 when the codes are compatible (equal, a WILDCARD, or the released
 *   code in the target code's compat list), else 1; numeric δ = min(1, |x − y|/s_j), s_j the range
 *   of the column over every record the attack compares; d = Σ_{j∈P} δ_j / |P| over the columns P
 *   present in both records (a MISSING code or NaN number drops the column from P).
 * - **manhattan** on standardized numerics: s_j the sample standard deviation of the column in the
 *   searched set (n − 1), categorical mismatch 1, d = Σ_{j∈P} δ_j · p/|P| (R's `dist()` rescaling).
 * - **pws**: the PWS Cup 2025 reference attack (`attack/mia.py` of github.com/pwscup/pwscup2025-scripts):
 *   numerics min-max scaled on the candidate pool (columns of zero range dropped; NaN imputed by the
 *   pool median), categorical one-hot encoded, so a mismatch costs |1−0| + |0−1| = 2 and a missing
 *   value is a category of its own; d = Σ_j δ_j. Compatibility of generalized values is not used.
 *
 * A pair with no column present has d = +∞. pair.ts writes the definition plainly (tests compare the
 * kernel with it).
 */
import { sharedFloat64, sharedInt32 } from '../../src/encode/encode.js';
import type { ColumnKind, EncodedTable } from '../../src/encode/types.js';
import type { CompatRelation } from '../types.js';

export type MetricName = 'gower' | 'manhattan' | 'pws';

/** Kernel mode numbers. */
export const GOWER = 0;
export const MANHATTAN = 1;
export const PWS = 2;

/** A compatibility relation as the kernel reads it: CSR by target code, and the reference code range. */
export interface KernelCompat {
  offsets: Int32Array;
  codes: Int32Array;
  /** Reference codes are < size − 2 (marks are indexed by code + 2). */
  size: number;
}

/** A metric over a list of columns (postable: numbers and typed arrays only). */
export interface Space {
  mode: number;
  /** Total columns p, categorical pc, numeric pn. */
  p: number;
  pc: number;
  pn: number;
  /** δ for a categorical mismatch. */
  catWeight: Float64Array;
  /** s_j of numeric column j (stored values are x / s_j). */
  numScale: Float64Array;
  /** PWS: the scaled value imputed for NaN (NaN: not imputed). */
  numImpute: Float64Array;
  /** Per column (categorical then numeric): compatibility relation or null. */
  compat: Array<KernelCompat | null>;
}

/** Column names of a space, categorical block then numeric block (main thread only). */
export interface SpaceColumns {
  cat: string[];
  num: string[];
}

/** Records laid out for the kernel, on shared memory. */
export interface Points {
  n: number;
  /** n × p values, row-major: per record its pc categorical codes, then its pn scaled numbers. */
  data: Float64Array;
  /** n × pn codes of numeric columns (only when a numeric column has a compat relation). */
  numCodes: Int32Array | null;
}

/** A table and which of its rows take part (absent: all). */
export interface TableRows {
  table: EncodedTable;
  rows?: Int32Array;
}

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

function* rowsOf(t: TableRows): Generator<number> {
  if (t.rows) yield* t.rows;
  else for (let i = 0; i < t.table.rows; i++) yield i;
}

function numbersOf(t: TableRows, name: string): Float64Array | undefined {
  return t.table.columns.get(name)?.numbers;
}

/** Range (max − min) of a column over several row sets; NaN when no value. */
function range(sets: readonly TableRows[], name: string): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of sets) {
    const x = numbersOf(s, name);
    if (!x) continue;
    for (const r of rowsOf(s)) {
      const v = x[r];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return hi >= lo ? hi - lo : Number.NaN;
}

/** Sample standard deviation (n − 1) of a column over a row set; NaN when fewer than 2 values. */
function sd(set: TableRows, name: string): number {
  const x = numbersOf(set, name);
  let n = 0;
  let mean = 0;
  let m2 = 0;
  if (x) {
    for (const r of rowsOf(set)) {
      const v = x[r];
      if (Number.isNaN(v)) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
}

function kernelCompat(rel: CompatRelation | undefined, size: number): KernelCompat | null {
  if (!rel || rel.codes.length === 0) return null;
  let max = size;
  for (const c of rel.codes) if (c + 3 > max) max = c + 3;
  return { offsets: rel.offsets, codes: rel.codes, size: max };
}

function cardinality(sets: readonly TableRows[], name: string): number {
  return Math.max(0, ...sets.map((s) => s.table.columns.get(name)?.cardinality ?? 0)) + 2;
}

/**
 * The space of a metric over `columns`.
 * @param metric - which distance
 * @param columns - compared columns (numeric and date columns must carry numbers)
 * @param scaleSets - where s_j comes from: gower, every compared record; manhattan, the searched set;
 *   pws, the candidate pool (targets)
 * @param compat - compatibility of target codes with released codes (gower and manhattan only)
 * @returns the space and its column names; pws drops numeric columns of zero range
 */
export function buildSpace(
  metric: MetricName,
  columns: readonly ColumnSpec[],
  scaleSets: readonly TableRows[],
  compat?: ReadonlyMap<string, CompatRelation>,
): { space: Space; names: SpaceColumns } {
  const cat = columns.filter((c) => c.kind === 'categorical').map((c) => c.name);
  const numAll = columns.filter((c) => c.kind !== 'categorical').map((c) => c.name);
  const scales = numAll.map((name) =>
    metric === 'manhattan' ? sd(scaleSets[0], name) : range(scaleSets, name),
  );
  const keep = numAll.map((_, j) => metric !== 'pws' || scales[j] > 0);
  const num = numAll.filter((_, j) => keep[j]);
  const numScale = Float64Array.from(
    scales.filter((_, j) => keep[j]),
    (s) => (s > 0 && Number.isFinite(s) ? s : 1),
  );
  const numImpute = new Float64Array(num.length).fill(Number.NaN);
  if (metric === 'pws') {
    num.forEach((name, j) => {
      const v: number[] = [];
      for (const s of scaleSets) {
        const x = numbersOf(s, name);
        if (x) for (const r of rowsOf(s)) if (!Number.isNaN(x[r])) v.push(x[r] / numScale[j]);
      }
      v.sort((a, b) => a - b);
      const h = v.length >> 1;
      numImpute[j] = v.length === 0 ? 0 : v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
    });
  }
  const useCompat = metric !== 'pws' && compat;
  const space: Space = {
    mode: metric === 'gower' ? GOWER : metric === 'manhattan' ? MANHATTAN : PWS,
    p: cat.length + num.length,
    pc: cat.length,
    pn: num.length,
    catWeight: new Float64Array(cat.length).fill(metric === 'pws' ? 2 : 1),
    numScale,
    numImpute,
    compat: [...cat, ...num].map((name) =>
      useCompat ? kernelCompat(compat.get(name), cardinality(scaleSets, name)) : null,
    ),
  };
  return { space, names: { cat, num } };
}

/**
 * The records of `t` in the space's layout (row-major, numbers scaled, PWS NaN imputed).
 * @throws Error when a column is absent (callers check columns first)
 */
export function toPoints(space: Space, names: SpaceColumns, t: TableRows): Points {
  const rows = t.rows ?? Int32Array.from({ length: t.table.rows }, (_, i) => i);
  const n = rows.length;
  const { pc, pn } = space;
  const get = (name: string) => {
    const c = t.table.columns.get(name);
    if (!c) throw new Error(`membership: column ${name} missing from a table`);
    return c;
  };
  const p = space.p;
  const data = sharedFloat64(n * p);
  names.cat.forEach((name, j) => {
    const codes = get(name).codes;
    for (let i = 0; i < n; i++) data[i * p + j] = codes[rows[i]];
  });
  const anyNumCompat = space.compat.slice(pc).some((c) => c !== null);
  const numCodes = anyNumCompat ? sharedInt32(n * pn) : null;
  names.num.forEach((name, j) => {
    const c = get(name);
    const s = space.numScale[j];
    const imp = space.numImpute[j];
    for (let i = 0; i < n; i++) {
      const v = c.numbers ? c.numbers[rows[i]] / s : Number.NaN;
      data[i * p + pc + j] = Number.isNaN(v) ? imp : v;
      if (numCodes) numCodes[i * pn + j] = c.codes[rows[i]];
    }
  });
  return { n, data, numCodes };
}
