/**
 * @module attacks/singling-out/kernels — pure kernel: count each predicate's matches in a table,
 * with early exit.
 *
 * `countMatches` scans a table once per predicate and stops as soon as the count reaches `cap`: with
 * cap 2 a predicate that matches many records costs a few rows, and only those that match 0 or 1
 * records scan the whole table. Predicates are sharded by index range; each count depends only on
 * its predicate, so any sharding gives the same counts. Multivariate generation is in generate.ts.
 */
import { OP_EQ, OP_EQN, OP_LE, type Predicates } from './predicates.js';

/** One QI column's shared buffers. */
export interface ColumnBuffers {
  /** Int32 codes. */
  codes: SharedArrayBuffer;
  /** Float64 values (numeric and date QIs). */
  numbers?: SharedArrayBuffer;
}

/** Typed views of a table's QI columns. */
export interface Views {
  codes: Int32Array[];
  numbers: Array<Float64Array | undefined>;
  rows: number;
}

export function views(columns: readonly ColumnBuffers[]): Views {
  const codes = columns.map((c) => new Int32Array(c.codes));
  return {
    codes,
    numbers: columns.map((c) => (c.numbers ? new Float64Array(c.numbers) : undefined)),
    rows: codes.length > 0 ? codes[0].length : 0,
  };
}

/** Whether row i satisfies terms [t0, t1) other than `skip`. */
export function others(
  v: Views,
  cols: ArrayLike<number>,
  ops: ArrayLike<number>,
  values: ArrayLike<number>,
  t0: number,
  t1: number,
  skip: number,
  i: number,
): boolean {
  for (let t = t0; t < t1; t++) {
    if (t === skip) continue;
    const x = values[t];
    switch (ops[t]) {
      case OP_EQ:
        if (v.codes[cols[t]][i] !== x) return false;
        break;
      case OP_EQN:
        if (v.numbers[cols[t]]![i] !== x) return false;
        break;
      case OP_LE:
        if (!(v.numbers[cols[t]]![i] <= x)) return false;
        break;
      default:
        if (!(v.numbers[cols[t]]![i] >= x)) return false;
    }
  }
  return true;
}

/**
 * Counts rows satisfying terms [t0, t1), up to `cap`. The scan is led by one term (an equality when
 * there is one: the native `indexOf` jumps from match to match); the others are checked only on
 * the rows the lead term lets through.
 */
export function countTerms(
  v: Views,
  cols: ArrayLike<number>,
  ops: ArrayLike<number>,
  values: ArrayLike<number>,
  t0: number,
  t1: number,
  cap: number,
): number {
  let lead = t0;
  for (let t = t0; t < t1; t++) {
    if (ops[t] === OP_EQ || ops[t] === OP_EQN) {
      lead = t;
      break;
    }
  }
  const op = ops[lead];
  const x = values[lead];
  const rows = v.rows;
  const codes = v.codes[cols[lead]];
  const nums = v.numbers[cols[lead]];
  let n = 0;
  for (let i = 0; i < rows; i++) {
    if (op === OP_EQ) i = codes.indexOf(x, i);
    else if (op === OP_EQN) i = nums!.indexOf(x, i);
    else if (op === OP_LE) while (i < rows && !(nums![i] <= x)) i++;
    else while (i < rows && !(nums![i] >= x)) i++;
    if (i < 0 || i >= rows) break;
    if (t1 - t0 > 1 && !others(v, cols, ops, values, t0, t1, lead, i)) continue;
    if (++n >= cap) break;
  }
  return n;
}

/** Counts rows matching predicate q, up to `cap`. */
function count(v: Views, p: Predicates, q: number, cap: number): number {
  return countTerms(v, p.cols, p.ops, p.values, p.offsets[q], p.offsets[q + 1], cap);
}

export interface CountMatchesPayload {
  /** The table's QI columns, in QI order. */
  columns: ColumnBuffers[];
  predicates: Predicates;
  start: number;
  end: number;
  /** Stop counting at this many matches (≥ 1). */
  cap: number;
}

/** For predicates [start, end): the number of matching rows, capped at `cap`. */
export function countMatches(p: CountMatchesPayload): Int32Array {
  const v = views(p.columns);
  const out = new Int32Array(p.end - p.start);
  for (let q = p.start; q < p.end; q++) out[q - p.start] = count(v, p.predicates, q, p.cap);
  return out;
}
