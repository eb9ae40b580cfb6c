/**
 * @module attacks/person-match/kernels — exact counting of the release persons compatible with what
 * an attacker knows of a target: demographic QIs (as ranges of demographically compatible persons)
 * and m known items (codes, or dated events), on the pool.
 *
 * Release persons are numbered by rank so that each demographic class is a contiguous rank range.
 * For each token (a combined code, or a (code, date) point) the inverted index lists the ranks of
 * the persons holding it, ascending. A known item is a set of alternative tokens (one for a code; for
 * a dated event with a date shift or coarse window, every point it may have become); a person is
 * compatible with the item when it holds any alternative. For target t and level m (the first m of
 * its items), |S_{t,m}| = Σ over its compatible rank ranges [lo, hi) of the number of ranks in [lo, hi)
 * holding every item — counted by intersecting the items' restricted posting lists, smallest first,
 * with galloping search (Terrovitis et al., VLDB 2008, for km-anonymity; exact, no sampling).
 */
import { ReidgateError } from '../../src/errors.js';
import { type ClassWalkData, classWalker } from '../linkage/exact-kernels.js';

/** The counting kernel's input (every array on shared memory). */
export interface MatchCountPayload {
  /** Inverted index: token → ranks postings[postOffsets[tok] … postOffsets[tok+1]), ascending. */
  postOffsets: Int32Array;
  postings: Int32Array;
  /** Per target: its items itemOffsets[t] … itemOffsets[t+1]−1, in the order the attacker learns them. */
  itemOffsets: Int32Array;
  /** Per item: alternative tokens alts[altOffsets[i] … altOffsets[i+1]). */
  altOffsets: Int32Array;
  alts: Int32Array;
  /** Per target: rank ranges [rangeLo[k], rangeHi[k]) for k in rangeOffsets[t] … rangeOffsets[t+1]−1. */
  rangeOffsets: Int32Array;
  rangeLo: Int32Array;
  rangeHi: Int32Array;
  /** Per target: the rank of its true release person, or −1. */
  truthRank: Int32Array;
  /** Largest level M. */
  levels: number;
  /** Targets [start, end) of this shard. */
  start: number;
  end: number;
  /** Outputs at t·M + (m−1): compatible persons (−1 when t has fewer than m items), and 1 when t's own is among them. */
  size: Int32Array;
  truthIn: Int32Array;
}

/** First index in a[from, to) whose value is ≥ x. */
export function lowerBound(a: Int32Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Galloping search: first index ≥ from in a[from, to) whose value is ≥ x. */
function gallop(a: Int32Array, from: number, to: number, x: number): number {
  let step = 1;
  let hi = from;
  while (hi < to && a[hi] < x) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  return lowerBound(a, from, Math.min(hi + 1, to), x);
}

/** A sorted list as a slice of an array. */
interface Slice {
  a: Int32Array;
  from: number;
  to: number;
}

/** Scratch buffers for items with several alternatives (grown on demand). */
class Scratch {
  private bufs: Int32Array[] = [];
  get(j: number, n: number): Int32Array {
    let b = this.bufs[j];
    if (!b || b.length < n) {
      b = new Int32Array(Math.max(n, 2 * (b?.length ?? 16)));
      this.bufs[j] = b;
    }
    return b;
  }
}

/** Item j's persons within [lo, hi): a slice of the postings, or a merged union in scratch. */
function restrict(
  p: MatchCountPayload,
  item: number,
  lo: number,
  hi: number,
  j: number,
  scratch: Scratch,
): Slice {
  const { altOffsets, alts, postOffsets, postings } = p;
  const a0 = altOffsets[item];
  const a1 = altOffsets[item + 1];
  if (a1 - a0 === 1) {
    const tok = alts[a0];
    const from = lowerBound(postings, postOffsets[tok], postOffsets[tok + 1], lo);
    return { a: postings, from, to: lowerBound(postings, from, postOffsets[tok + 1], hi) };
  }
  let n = 0;
  const parts: Array<[number, number]> = [];
  for (let k = a0; k < a1; k++) {
    const tok = alts[k];
    const from = lowerBound(postings, postOffsets[tok], postOffsets[tok + 1], lo);
    const to = lowerBound(postings, from, postOffsets[tok + 1], hi);
    if (to > from) parts.push([from, to]);
    n += to - from;
  }
  const buf = scratch.get(j, n);
  let w = 0;
  for (const [from, to] of parts) for (let k = from; k < to; k++) buf[w++] = postings[k];
  const u = buf.subarray(0, w);
  if (parts.length > 1) u.sort();
  let v = 0;
  for (let k = 0; k < w; k++) if (k === 0 || buf[k] !== buf[v - 1]) buf[v++] = buf[k];
  return { a: buf, from: 0, to: v };
}

/**
 * Counts the members of the intersection of `lists` (sorted, unique); notes whether `truth` is one.
 * @returns [count, 1 if truth is in the intersection else 0]
 */
export function intersectCount(lists: Slice[], truth: number): [number, number] {
  if (lists.length === 1) {
    const { a, from, to } = lists[0];
    const i = truth >= 0 ? lowerBound(a, from, to, truth) : to;
    return [to - from, i < to && a[i] === truth ? 1 : 0];
  }
  lists.sort((x, y) => x.to - x.from - (y.to - y.from));
  const small = lists[0];
  const cursor = lists.map((l) => l.from);
  let count = 0;
  let has = 0;
  outer: for (let k = small.from; k < small.to; k++) {
    const x = small.a[k];
    for (let j = 1; j < lists.length; j++) {
      const l = lists[j];
      const i = gallop(l.a, cursor[j], l.to, x);
      cursor[j] = i;
      if (i >= l.to) break outer;
      if (l.a[i] !== x) continue outer;
    }
    count++;
    if (x === truth) has = 1;
  }
  return [count, has];
}

/**
 * Counts compatible release persons for targets [start, end) and levels 1 … M.
 * @returns the number of targets done
 * @throws ReidgateError('INTERNAL') when a count overflows Int32 (cannot happen below 2^31 persons)
 */
export function matchCount(p: MatchCountPayload): number {
  const M = p.levels;
  const scratch = new Scratch();
  for (let t = p.start; t < p.end; t++) {
    const i0 = p.itemOffsets[t];
    const nItems = p.itemOffsets[t + 1] - i0;
    for (let m = 1; m <= M; m++) {
      const o = t * M + m - 1;
      if (nItems < m) {
        p.size[o] = -1;
        p.truthIn[o] = 0;
        continue;
      }
      let total = 0;
      let truthIn = 0;
      for (let k = p.rangeOffsets[t]; k < p.rangeOffsets[t + 1]; k++) {
        const lo = p.rangeLo[k];
        const hi = p.rangeHi[k];
        const lists: Slice[] = [];
        let empty = false;
        for (let j = 0; j < m; j++) {
          const s = restrict(p, i0 + j, lo, hi, j, scratch);
          if (s.to <= s.from) {
            empty = true;
            break;
          }
          lists.push(s);
        }
        if (empty) continue;
        const truth = p.truthRank[t] >= lo && p.truthRank[t] < hi ? p.truthRank[t] : -1;
        const [c, has] = intersectCount(lists, truth);
        total += c;
        truthIn |= has;
      }
      if (total > 2 ** 31 - 1) throw new ReidgateError('INTERNAL', 'person-match: count overflow');
      p.size[o] = total;
      p.truthIn[o] = truthIn;
    }
  }
  return p.end - p.start;
}

/** The demographic-classes kernel's input: the linkage class view, its blocking, a target range. */
export interface QiClassesPayload extends ClassWalkData {
  start: number;
  end: number;
}

/**
 * Lists, for targets [start, end), the release classes compatible with their known QIs (linkage's
 * exact compatibility: equal values, covering generalizations, suppression under --wildcard).
 * @returns CSR over the shard's targets: offsets (end − start + 1) and class ids, ascending per target
 */
export function qiClasses(p: QiClassesPayload): { offsets: Int32Array; classes: Int32Array } {
  const walk = classWalker(p);
  const offsets = new Int32Array(p.end - p.start + 1);
  const out: number[] = [];
  const mine: number[] = [];
  for (let t = p.start; t < p.end; t++) {
    mine.length = 0;
    walk(t, (c) => {
      mine.push(c);
      return false;
    });
    mine.sort((a, b) => a - b);
    for (const c of mine) out.push(c);
    offsets[t - p.start + 1] = out.length;
  }
  return { offsets, classes: Int32Array.from(out) };
}
