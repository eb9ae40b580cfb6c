/**
 * @module attacks/linkage/sparse-items — what the sparse linkage attacker knows of each target (its
 * codes or dated events, with wrong and forgotten items), and the release's dated events sorted by
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

/** Whether sorted run a[from, to) holds x. */
function holds(a: Int32Array, from: number, to: number, x: number): boolean {
  const i = lowerBound(a, from, to, x);
  return i < to && a[i] === x;
}

/**
 * Draws each target's known items with the declared noise.
 * @param view - the person view (tables, for precision and the table filter)
 * @param side - the original side
 * @param targets - the targets' original person rows
 * @param keep - per event table, 1 when its codes may be known
 * @param o - the attacker model
 * @param seed - the attack's seed
 */
export function drawItems(
  view: PersonView,
  side: PersonSide,
  targets: Int32Array,
  keep: Uint8Array,
  o: SparseOptions,
  seed: number,
): KnownItems {
  const random = rng(deriveSeed(seed, 'sparse-items'));
  const codes: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const dated: number[] = [];
  const itemOffsets = sharedInt32(targets.length + 1);
  const nWrong = Math.round(o.wrong * o.items);
  let wrong = 0;
  let forgotten = 0;
  // Sources of wrong items: every (kept) code or dated event of the original, so frequent codes are drawn more often.
  const sourceN = o.dates ? side.seqCodes.length : side.setCodes.length;
  const sourceCode = o.dates ? side.seqCodes : side.setCodes;
  const push = (code: number, l: number, h: number, d: boolean) => {
    const tol = d ? o.tolerance : 0;
    codes.push(code);
    lo.push(d ? l - tol : 0);
    hi.push(d ? h + tol : 0);
    dated.push(d ? 1 : 0);
  };
  targets.forEach((p, t) => {
    const pool: number[] = [];
    if (o.dates) {
      for (let j = side.seqOffsets[p]; j < side.seqOffsets[p + 1]; j++) {
        if (keep[tableOf(view, side.seqCodes[j])] && !isSuppressedCode(view, side.seqCodes[j])) pool.push(j);
      }
    } else {
      for (let j = side.setOffsets[p]; j < side.setOffsets[p + 1]; j++) {
        if (keep[tableOf(view, side.setCodes[j])] && !isSuppressedCode(view, side.setCodes[j]))
          pool.push(side.setCodes[j]);
      }
    }
    const picked = pickFirst(pool, o.items, random);
    const nFalse = Math.min(nWrong, picked.length);
    const chosen = new Set<number>();
    for (let k = nFalse; k < picked.length; k++) {
      if (o.missing > 0 && random() < o.missing) {
        forgotten++;
        continue;
      }
      const j = picked[k];
      if (o.dates) push(side.seqCodes[j], side.seqLo[j], side.seqHi[j], true);
      else push(j, 0, 0, false);
      chosen.add(o.dates ? side.seqCodes[j] : j);
    }
    // Wrong items: codes the target does not hold (rejection sampling; given up after 64 tries).
    for (let k = 0; k < nFalse && sourceN > 0; k++) {
      for (let tries = 0; tries < 64; tries++) {
        const j = Math.floor(random() * sourceN);
        const c = sourceCode[j];
        if (!keep[tableOf(view, c)] || chosen.has(c) || isSuppressedCode(view, c)) continue;
        if (holds(side.setCodes, side.setOffsets[p], side.setOffsets[p + 1], c)) continue;
        chosen.add(c);
        if (o.dates) push(c, side.seqLo[j], side.seqHi[j], true);
        else push(c, 0, 0, false);
        wrong++;
        break;
      }
    }
    itemOffsets[t + 1] = codes.length;
  });
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
