/**
 * @module attacks/linkage/sparse-items — what the sparse linkage attacker knows of each target (its
 * codes or dated events, with wrong and forgotten items), drawn the same way on every engine (the
 * person view's codes locally, `personCodes`/`personEvents`/`sparseSources` elsewhere: candidates in
 * a canonical order of table, code label and date), and the release's dated events sorted by
 * (code, date) for the kernel.
 */
import { sharedInt32 } from '../../src/encode/encode.js';
import {
  isSuppressedCode,
  type PersonSide,
  type PersonView,
  tableOf,
} from '../../src/relational/person-view.js';
import { deriveSeed, rng } from '../../src/stats/random.js';
import { pickFirst } from '../person-match/index.js';
import { lowerBound } from '../person-match/kernels.js';
import type { SparseOptions } from './sparse-options.js';

/** The attacker's known items, per target (CSR), in the kernel's layout. */
export interface KnownItems {
  itemOffsets: Int32Array;
  itemCodes: Int32Array;
  itemLo: Int32Array;
  itemHi: Int32Array;
  itemDated: Uint8Array;
  wrong: number;
  forgotten: number;
}

/**
 * The codes an attacker's items come from, in an order every engine shares: a combined code's event
 * table, its label (the normalized code) and the event's date window. Combined code numbers are
 * each engine's own (first appearance in the files it read); this order is not, so the seeded draw
 * picks the same items on every engine.
 */
export interface ItemUniverse {
  /** Dated items (code and date window) instead of codes. */
  dated: boolean;
  /** Per event table, 1 when its codes may be known (tableFilter). */
  keep: Uint8Array;
  /** A combined code's event table (index). */
  tableOf(code: number): number;
  /** Whether a combined code is its table's suppressed code. */
  suppressed(code: number): boolean;
  /** A combined code's label, comparable within its table. */
  label(code: number): string;
}

/** Entries (code, date window) with a multiplicity, in canonical order (see `canonicalOrder`). */
export interface ItemEntries {
  code: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** Cumulative multiplicities: entry e covers draws [cum[e], cum[e + 1]). */
  cum: Float64Array;
}

/**
 * The order of (code, lo, hi) entries every engine shares: by event table, then label, then lo, hi.
 * @returns a comparator over entry indices
 */
export function canonicalOrder(
  u: ItemUniverse,
  code: ArrayLike<number>,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
): (a: number, b: number) => number {
  return (a, b) => {
    const ca = code[a];
    const cb = code[b];
    if (ca !== cb) {
      const ta = u.tableOf(ca);
      const tb = u.tableOf(cb);
      if (ta !== tb) return ta - tb;
      const la = u.label(ca);
      const lb = u.label(cb);
      if (la !== lb) return la < lb ? -1 : 1;
    }
    return lo[a] - lo[b] || hi[a] - hi[b];
  };
}

/**
 * Sources of wrong items: every code (or dated event) of the attacker's side with its multiplicity
 * (patients holding it), in canonical order, so that a uniform draw over all (patient, code) pairs
 * — frequent codes more often — names the same entry on every engine.
 * @param code - distinct entries' codes (any order); `lo`/`hi` their windows (0 for codes)
 * @param count - each entry's multiplicity
 */
export function itemEntries(
  u: ItemUniverse,
  code: ArrayLike<number>,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  count: ArrayLike<number>,
): ItemEntries {
  const order = Array.from({ length: code.length }, (_, i) => i).sort(canonicalOrder(u, code, lo, hi));
  const cum = new Float64Array(order.length + 1);
  order.forEach((e, i) => {
    cum[i + 1] = cum[i] + count[e];
  });
  return {
    code: Int32Array.from(order, (e) => code[e]),
    lo: Int32Array.from(order, (e) => lo[e]),
    hi: Int32Array.from(order, (e) => hi[e]),
    cum,
  };
}

/** The entry covering draw j (cum[e] ≤ j < cum[e + 1]). */
function entryAt(s: ItemEntries, j: number): number {
  let a = 0;
  let b = s.code.length - 1;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if (s.cum[m] <= j) a = m;
    else b = m - 1;
  }
  return a;
}

/** What the attacker's side holds of one target: its codes or dated events, and its code set. */
export interface TargetHoldings {
  /** Its distinct codes (dated: its distinct dated events), any order. */
  code: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  /** Whether it holds a code (in any event table). */
  holds(code: number): boolean;
}

/**
 * Draws each target's known items with the declared noise (the same items on every engine: the
 * candidates are put in canonical order before the seeded pick, and wrong items are drawn from the
 * canonical `sources`).
 * @param T - targets
 * @param holdings - target t's codes or events and code set
 * @param sources - the side's codes (or dated events) with multiplicities (itemEntries)
 * @param o - the attacker model
 * @param seed - the attack's seed
 */
export function drawItems(
  u: ItemUniverse,
  T: number,
  holdings: (t: number) => TargetHoldings,
  sources: ItemEntries,
  o: SparseOptions,
  seed: number,
): KnownItems {
  const random = rng(deriveSeed(seed, 'sparse-items'));
  const codes: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const dated: number[] = [];
  const itemOffsets = sharedInt32(T + 1);
  const nWrong = Math.round(o.wrong * o.items);
  let wrong = 0;
  let forgotten = 0;
  // Every (patient, code) pair of the side (dated: every distinct dated event), kept or not.
  const sourceN = sources.cum[sources.code.length];
  const push = (code: number, l: number, h: number) => {
    const tol = o.dates ? o.tolerance : 0;
    codes.push(code);
    lo.push(o.dates ? l - tol : 0);
    hi.push(o.dates ? h + tol : 0);
    dated.push(o.dates ? 1 : 0);
  };
  for (let t = 0; t < T; t++) {
    const own = holdings(t);
    const pool: number[] = [];
    for (let j = 0; j < own.code.length; j++) {
      const c = own.code[j];
      if (u.keep[u.tableOf(c)] && !u.suppressed(c)) pool.push(j);
    }
    pool.sort(canonicalOrder(u, own.code, own.lo, own.hi));
    const picked = pickFirst(pool, o.items, random);
    const nFalse = Math.min(nWrong, picked.length);
    const chosen = new Set<number>();
    for (let k = nFalse; k < picked.length; k++) {
      if (o.missing > 0 && random() < o.missing) {
        forgotten++;
        continue;
      }
      const j = picked[k];
      push(own.code[j], own.lo[j], own.hi[j]);
      chosen.add(own.code[j]);
    }
    // Wrong items: codes the target does not hold (rejection sampling; given up after 64 tries).
    for (let k = 0; k < nFalse && sourceN > 0; k++) {
      for (let tries = 0; tries < 64; tries++) {
        const e = entryAt(sources, Math.floor(random() * sourceN));
        const c = sources.code[e];
        if (!u.keep[u.tableOf(c)] || chosen.has(c) || u.suppressed(c)) continue;
        if (own.holds(c)) continue;
        chosen.add(c);
        push(c, sources.lo[e], sources.hi[e]);
        wrong++;
        break;
      }
    }
    itemOffsets[t + 1] = codes.length;
  }
  const itemCodes = sharedInt32(codes.length);
  itemCodes.set(codes);
  const itemLo = sharedInt32(lo.length);
  itemLo.set(lo);
  const itemHi = sharedInt32(hi.length);
  itemHi.set(hi);
  const itemDated = new Uint8Array(new SharedArrayBuffer(dated.length));
  itemDated.set(dated);
  return { itemOffsets, itemCodes, itemLo, itemHi, itemDated, wrong, forgotten };
}

/** The person view as an ItemUniverse (its tables and code labels). */
export function viewUniverse(view: PersonView, keep: Uint8Array, dated: boolean): ItemUniverse {
  return {
    dated,
    keep,
    tableOf: (c) => tableOf(view, c),
    suppressed: (c) => isSuppressedCode(view, c),
    label: (c) => view.codeLabels[c],
  };
}

/** The wrong-item sources of a person view's side: its codes (or dated events) with multiplicities. */
export function sideEntries(u: ItemUniverse, side: PersonSide, nCodes: number): ItemEntries {
  if (!u.dated) {
    const count = new Float64Array(nCodes);
    for (const c of side.setCodes) count[c]++;
    const present = Array.from({ length: nCodes }, (_, c) => c).filter((c) => count[c] > 0);
    const zero = new Int32Array(present.length);
    return itemEntries(
      u,
      present,
      zero,
      zero,
      present.map((c) => count[c]),
    );
  }
  const byKey = new Map<string, number>();
  const code: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const count: number[] = [];
  for (let e = 0; e < side.seqCodes.length; e++) {
    const key = `${side.seqCodes[e]},${side.seqLo[e]},${side.seqHi[e]}`;
    const at = byKey.get(key);
    if (at !== undefined) count[at]++;
    else {
      byKey.set(key, code.length);
      code.push(side.seqCodes[e]);
      lo.push(side.seqLo[e]);
      hi.push(side.seqHi[e]);
      count.push(1);
    }
  }
  return itemEntries(u, code, lo, hi, count);
}

/** Code sets (CSR, ascending per person) and, for dated items, dated events (CSR), of some persons. */
export interface HoldingsCsr {
  setOffsets: Int32Array;
  setCodes: Int32Array;
  seqOffsets?: Int32Array;
  seqCodes?: Int32Array;
  seqLo?: Int32Array;
  seqHi?: Int32Array;
}

/**
 * Person p's holdings: its codes, or (with `sides.seq…`) its dated events, and its code set.
 * @param h - a person view side, or the targets' codes and events as an engine returned them
 */
export function holdingsOf(h: HoldingsCsr, p: number): TargetHoldings {
  const from = h.setOffsets[p];
  const to = h.setOffsets[p + 1];
  const holds = (c: number) => holdsSorted(h.setCodes, from, to, c);
  if (!h.seqOffsets || !h.seqCodes || !h.seqLo || !h.seqHi) {
    const code = h.setCodes.subarray(from, to);
    const zero = new Int32Array(code.length);
    return { code, lo: zero, hi: zero, holds };
  }
  const a = h.seqOffsets[p];
  const b = h.seqOffsets[p + 1];
  return { code: h.seqCodes.subarray(a, b), lo: h.seqLo.subarray(a, b), hi: h.seqHi.subarray(a, b), holds };
}

/** A person view side's holdings of person p (its codes, or its dated events). */
export function sideHoldings(side: PersonSide, p: number, dated: boolean): TargetHoldings {
  return holdingsOf(dated ? side : { setOffsets: side.setOffsets, setCodes: side.setCodes }, p);
}

/** Whether sorted run a[from, to) holds x. */
function holdsSorted(a: Int32Array, from: number, to: number, x: number): boolean {
  const i = lowerBound(a, from, to, x);
  return i < to && a[i] === x;
}

/** A side's dated events sorted by (code, lo), for the kernel's dated items. */
export interface EventIndex {
  evOffsets: Int32Array;
  evPerson: Int32Array;
  evLo: Int32Array;
  evHi: Int32Array;
  evWidth: number;
}

/**
 * Sorts a side's dated events by code, then by start date (a counting sort by date, then a stable
 * counting sort by code: linear in events, codes and the date span).
 * @param side - the release side of the person view
 * @param nCodes - the number of combined codes
 */
export function eventIndex(side: PersonSide, nCodes: number): EventIndex {
  const E = side.seqCodes.length;
  let min = Infinity;
  let max = -Infinity;
  let width = 0;
  for (let e = 0; e < E; e++) {
    min = Math.min(min, side.seqLo[e]);
    max = Math.max(max, side.seqLo[e]);
    width = Math.max(width, side.seqHi[e] - side.seqLo[e]);
  }
  let byLo: Int32Array;
  const span = E > 0 ? max - min + 1 : 1;
  if (span <= 4 * E + 1_000_000) {
    const count = new Int32Array(span + 1);
    for (let e = 0; e < E; e++) count[side.seqLo[e] - min + 1]++;
    for (let d = 0; d < span; d++) count[d + 1] += count[d];
    byLo = new Int32Array(E);
    for (let e = 0; e < E; e++) byLo[count[side.seqLo[e] - min]++] = e;
  } else {
    byLo = Int32Array.from(
      Array.from({ length: E }, (_, e) => e).sort((a, b) => side.seqLo[a] - side.seqLo[b]),
    );
  }
  const person = new Int32Array(E);
  for (let p = 0; p < side.persons; p++) person.fill(p, side.seqOffsets[p], side.seqOffsets[p + 1]);
  const evOffsets = sharedInt32(nCodes + 1);
  for (let e = 0; e < E; e++) evOffsets[side.seqCodes[e] + 1]++;
  for (let c = 0; c < nCodes; c++) evOffsets[c + 1] += evOffsets[c];
  const fill = evOffsets.slice(0, nCodes);
  const evPerson = sharedInt32(E);
  const evLo = sharedInt32(E);
  const evHi = sharedInt32(E);
  for (const e of byLo) {
    const k = fill[side.seqCodes[e]]++;
    evPerson[k] = person[e];
    evLo[k] = side.seqLo[e];
    evHi[k] = side.seqHi[e];
  }
  return { evOffsets, evPerson, evLo, evHi, evWidth: width };
}

/** An empty event index (code-only items never read it). */
export function noEvents(nCodes: number): EventIndex {
  const z = sharedInt32(0);
  return { evOffsets: sharedInt32(nCodes + 1), evPerson: z, evLo: z, evHi: z, evWidth: 0 };
}
