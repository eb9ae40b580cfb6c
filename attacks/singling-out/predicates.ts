/**
 * @module attacks/singling-out/predicates — predicates as flat arrays, and the ones built in the main
 * thread: univariate predicates from the release's rare values and extremes, and the random baseline.
 *
 * A predicate is a conjunction of terms over the quasi-identifiers (in QI order, index `col`):
 *   EQ  codes[col] = value          (a categorical value; equal values have equal codes across tables)
 *   EQN numbers[col] = value        (a numeric or date value, compared as a number)
 *   LE  numbers[col] ≤ value        GE  numbers[col] ≥ value
 * A missing value (code < 0, number NaN) satisfies no term. Predicate q owns terms
 * [offsets[q], offsets[q+1]) of `cols`, `ops`, `values`. The flat form is what the kernels read.
 *
 * Predicates built from the release follow Giomi et al., "A Unified Framework for Quantifying Privacy
 * Risk in Synthetic Data", PETS 2023 (doi:10.56553/popets-2023-0055), section on singling out:
 * univariate predicates use values that are rare in the release (here: held by exactly one record)
 * and, for numeric columns, thresholds at the column's extremes.
 */
import type { Column } from '../../src/encode/types.js';
import { sampleIndices } from '../../src/stats/random.js';

export const OP_EQ = 0;
export const OP_LE = 1;
export const OP_GE = 2;
export const OP_EQN = 3;

/** Predicates in flat (CSR) form; postable to workers. */
export interface Predicates {
  /** Length = predicates + 1. */
  offsets: Int32Array;
  cols: Int32Array;
  ops: Uint8Array;
  values: Float64Array;
}

/** One term of a predicate while it is being built. */
export interface Term {
  col: number;
  op: number;
  value: number;
}

/** Number of predicates in `p`. */
export function size(p: Predicates): number {
  return p.offsets.length - 1;
}

/** Packs lists of terms into the flat form. */
export function pack(list: readonly (readonly Term[])[]): Predicates {
  const offsets = new Int32Array(list.length + 1);
  let t = 0;
  for (let q = 0; q < list.length; q++) {
    t += list[q].length;
    offsets[q + 1] = t;
  }
  const cols = new Int32Array(t);
  const ops = new Uint8Array(t);
  const values = new Float64Array(t);
  let k = 0;
  for (const terms of list) {
    for (const term of terms) {
      cols[k] = term.col;
      ops[k] = term.op;
      values[k++] = term.value;
    }
  }
  return { offsets, cols, ops, values };
}

/** The terms of predicate q. */
export function termsOf(p: Predicates, q: number): Term[] {
  const out: Term[] = [];
  for (let t = p.offsets[q]; t < p.offsets[q + 1]; t++) {
    out.push({ col: p.cols[t], op: p.ops[t], value: p.values[t] });
  }
  return out;
}

/** A canonical key of a predicate (terms sorted by column, then operator). */
export function keyOf(terms: readonly Term[]): string {
  return [...terms]
    .sort((a, b) => a.col - b.col || a.op - b.op)
    .map((t) => `${t.col}:${t.op}:${t.value}`)
    .join('|');
}

/** Whether a QI is compared as a number (numeric or date kind with parsed values). */
export function isNumeric(c: Column): c is Column & { numbers: Float64Array } {
  return c.kind !== 'categorical' && c.numbers !== undefined;
}

/** Distinct usable values of a column: codes ≥ 0, or finite numbers (sorted ascending). */
export function domainOf(c: Column): Float64Array {
  const seen = new Set<number>();
  if (isNumeric(c)) {
    for (const v of c.numbers) if (Number.isFinite(v)) seen.add(v);
  } else {
    for (const v of c.codes) if (v >= 0) seen.add(v);
  }
  return Float64Array.from(seen).sort();
}

/**
 * Every univariate predicate that isolates exactly one release record: a value held by one record
 * (EQ for categorical, EQN for numeric columns) and, for numeric columns, `x ≤ min` / `x ≥ max`
 * when the minimum / maximum is held by one record. In column order, then value order.
 * @param cols - the release's QI columns
 */
export function univariateCandidates(cols: readonly Column[]): Term[][] {
  const out: Term[][] = [];
  cols.forEach((c, col) => {
    const counts = new Map<number, number>();
    const numeric = isNumeric(c);
    const src = numeric ? c.numbers : c.codes;
    for (const v of src) {
      if (numeric ? Number.isFinite(v) : v >= 0) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const values = [...counts.keys()].sort((a, b) => a - b);
    for (const v of values) {
      if (counts.get(v) === 1) out.push([{ col, op: numeric ? OP_EQN : OP_EQ, value: v }]);
    }
    if (numeric && values.length > 0) {
      const lo = values[0];
      const hi = values[values.length - 1];
      if (counts.get(lo) === 1) out.push([{ col, op: OP_LE, value: lo }]);
      if (counts.get(hi) === 1 && hi !== lo) out.push([{ col, op: OP_GE, value: hi }]);
    }
  });
  return out;
}

/**
 * Picks `n` of the candidates uniformly (seeded), or all of them when there are no more than `n`.
 * @returns the chosen candidates in their original order
 */
export function choose<T>(candidates: readonly T[], n: number, random: () => number): T[] {
  if (candidates.length <= n) return [...candidates];
  return Array.from(sampleIndices(candidates.length, n, random), (i) => candidates[i]);
}

/** Partial Fisher–Yates: k distinct column indices out of `from`. */
export function pickColumns(from: readonly number[], k: number, random: () => number): number[] {
  const a = [...from];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k).sort((x, y) => x - y);
}

/**
 * Baseline predicates: built without looking at any release record. Each term takes a column at
 * random and a value uniformly from that column's domain (its distinct values, as a schema or
 * codebook would list them); numeric columns get a threshold in a random direction (or, for
 * univariate predicates, an equality half the time, as the release-built ones mostly are).
 * The number of terms of predicate q is `sizes[q]`.
 * @param domains - per QI, from `domainOf`
 * @param numeric - per QI, whether it is compared as a number
 * @param sizes - terms per predicate
 * @param random - seeded generator
 */
export function baselinePredicates(
  domains: readonly Float64Array[],
  numeric: readonly boolean[],
  sizes: readonly number[],
  random: () => number,
): Predicates {
  const usable = domains.flatMap((d, j) => (d.length > 0 ? [j] : []));
  const list: Term[][] = [];
  for (const s of sizes) {
    const cols = pickColumns(usable, Math.min(s, usable.length), random);
    list.push(
      cols.map((col) => {
        const d = domains[col];
        const value = d[Math.floor(random() * d.length)];
        if (!numeric[col]) return { col, op: OP_EQ, value };
        const r = random();
        const op = s === 1 && r < 0.5 ? OP_EQN : r < (s === 1 ? 0.75 : 0.5) ? OP_LE : OP_GE;
        return { col, op, value };
      }),
    );
  }
  return pack(list);
}
