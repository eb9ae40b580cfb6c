/**
 * @module attacks/singling-out/generate — pure kernel: draw multivariate predicates from release
 * records and keep those that isolate exactly one release record.
 *
 * As in Giomi et al., PETS 2023 (doi:10.56553/popets-2023-0055): a random release record, a random
 * subset of its QIs, and the conjunction of its values there — equality for categorical QIs, and for
 * numeric ones a threshold through the record's value in a random direction (x ≤ v or x ≥ v). Each
 * batch has its own seed, so what it finds does not depend on which worker ran it.
 *
 * Speed: the release's rows are indexed by code (`postings`). A
 * candidate's equality terms are put rarest first, and its matches are counted by walking the rows
 * holding the rarest value only, checking the other terms there and stopping at the second match.
 * The index is built once in the main thread (evaluate.ts `buildPostings`).
 */
import { rng } from '../../src/stats/random.js';
import { type ColumnBuffers, countTerms, others, type Views, views } from './kernels.js';
import { OP_EQ, OP_GE, OP_LE, type Predicates, pack, pickColumns, type Term } from './predicates.js';

/** Release rows grouped by code, per categorical QI (CSR on shared memory; empty for numeric QIs). */
export interface Postings {
  /** Per QI: Int32 offsets, cardinality + 1 (rows with code c are rows[offsets[c] … offsets[c+1])). */
  offsets: SharedArrayBuffer[];
  /** Per QI: Int32 row numbers, ordered by code then row. */
  rows: SharedArrayBuffer[];
}

export interface GenerateMultivariatePayload {
  /** The release's QI columns, in QI order. */
  columns: ColumnBuffers[];
  /** Per QI: compared as a number. */
  numeric: boolean[];
  postings: Postings;
  /** The batch's seed (deriveSeed(run seed, batch label)). */
  seed: number;
  /** Candidates to draw. */
  candidates: number;
  /** Terms per predicate: uniform in [minTerms, maxTerms], at most the record's usable QIs. */
  minTerms: number;
  maxTerms: number;
}

export interface GenerateMultivariateResult {
  /** Candidates that match exactly one release record, in the order drawn. */
  predicates: Predicates;
  /** The release row each was drawn from (the one it isolates). */
  rows: Int32Array;
}

interface Scratch {
  cols: Int32Array;
  ops: Uint8Array;
  values: Float64Array;
}

/** Release rows matching the k scratch terms, up to 2; led by the postings of term 0 when it is an equality. */
function countInRelease(v: Views, offsets: Int32Array[], rows: Int32Array[], s: Scratch, k: number): number {
  if (s.ops[0] !== OP_EQ) return countTerms(v, s.cols, s.ops, s.values, 0, k, 2);
  const col = s.cols[0];
  const code = s.values[0];
  const list = rows[col];
  let n = 0;
  for (let x = offsets[col][code]; x < offsets[col][code + 1]; x++) {
    if (k > 1 && !others(v, s.cols, s.ops, s.values, 0, k, 0, list[x])) continue;
    if (++n >= 2) break;
  }
  return n;
}

/** Draws candidates and keeps those isolating exactly one release record. */
export function generateMultivariate(p: GenerateMultivariatePayload): GenerateMultivariateResult {
  const v = views(p.columns);
  const offsets = p.postings.offsets.map((b) => new Int32Array(b));
  const postingRows = p.postings.rows.map((b) => new Int32Array(b));
  const frequency = (col: number, code: number) => offsets[col][code + 1] - offsets[col][code];
  const random = rng(p.seed);
  const kept: Term[][] = [];
  const rows: number[] = [];
  const usable: number[] = [];
  const m = p.columns.length;
  const scratch: Scratch = { cols: new Int32Array(m), ops: new Uint8Array(m), values: new Float64Array(m) };
  for (let a = 0; a < p.candidates && v.rows > 0; a++) {
    const r = Math.floor(random() * v.rows);
    usable.length = 0;
    for (let j = 0; j < m; j++) {
      const ok = p.numeric[j] ? Number.isFinite(v.numbers[j]![r]) : v.codes[j][r] >= 0;
      if (ok) usable.push(j);
    }
    const k = p.minTerms + Math.floor(random() * (p.maxTerms - p.minTerms + 1));
    if (usable.length < p.minTerms) continue;
    const cols = pickColumns(usable, Math.min(k, usable.length), random);
    const terms: Term[] = cols.map((col) => {
      if (!p.numeric[col]) return { col, op: OP_EQ, value: v.codes[col][r] };
      return { col, op: random() < 0.5 ? OP_LE : OP_GE, value: v.numbers[col]![r] };
    });
    const rarity = (t: Term) => (t.op === OP_EQ ? frequency(t.col, t.value) : Infinity);
    terms.sort((x, y) => rarity(x) - rarity(y) || x.col - y.col);
    terms.forEach((t, i) => {
      scratch.cols[i] = t.col;
      scratch.ops[i] = t.op;
      scratch.values[i] = t.value;
    });
    if (countInRelease(v, offsets, postingRows, scratch, terms.length) === 1) {
      kept.push(terms);
      rows.push(r);
    }
  }
  return { predicates: pack(kept), rows: Int32Array.from(rows) };
}
