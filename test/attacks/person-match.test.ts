/**
 * The person-level counting kernel against brute force: random inverted indexes, rank ranges and known
 * items with alternatives; every size and truth flag must agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { type MatchCountPayload, matchCount } from '../../attacks/person-match/kernels.js';
import { rarePairs } from '../../attacks/rare-values/kernels.js';
import { invertTokens } from '../../src/relational/person-view.js';
import { rng } from '../../src/stats/random.js';

function csr(lists: number[][]) {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => {
    offsets[i + 1] = offsets[i] + l.length;
  });
  return { offsets, values: Int32Array.from(lists.flat()) };
}

describe('matchCount', () => {
  it('equals brute force on random data (200 targets, M = 3, items with 1-3 alternatives)', () => {
    const random = rng(7);
    const persons = 300;
    const tokens = 25;
    // Each person holds a random subset of tokens, skewed toward low tokens.
    const held: number[][] = Array.from({ length: persons }, () => {
      const s = new Set<number>();
      const n = 1 + Math.floor(random() * 6);
      for (let i = 0; i < n; i++) s.add(Math.floor(random() ** 2 * tokens));
      return [...s].sort((a, b) => a - b);
    });
    const h = csr(held);
    const index = invertTokens(persons, h.offsets, h.values, tokens);
    const T = 200;
    const M = 3;
    const items: number[][][] = [];
    const ranges: Array<Array<[number, number]>> = [];
    const truth: number[] = [];
    for (let t = 0; t < T; t++) {
      const nItems = Math.floor(random() * 4);
      items.push(
        Array.from({ length: nItems }, () =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * tokens)).filter(
            (x, i, a) => a.indexOf(x) === i,
          ),
        ),
      );
      const rs: Array<[number, number]> = [];
      let at = Math.floor(random() * 50);
      while (at < persons && rs.length < 3) {
        const end = Math.min(persons, at + 1 + Math.floor(random() * 120));
        rs.push([at, end]);
        at = end + Math.floor(random() * 40);
      }
      ranges.push(rs);
      truth.push(random() < 0.2 ? -1 : Math.floor(random() * persons));
    }
    const itemCsr = csr(items.map((its) => its.map((_, j) => j)));
    const alts = csr(items.flat());
    const rangeCsr = csr(ranges.map((r) => r.map(() => 0)));
    const payload: MatchCountPayload = {
      postOffsets: index.offsets,
      postings: index.postings,
      itemOffsets: itemCsr.offsets,
      altOffsets: alts.offsets,
      alts: alts.values,
      rangeOffsets: rangeCsr.offsets,
      rangeLo: Int32Array.from(ranges.flat().map((r) => r[0])),
      rangeHi: Int32Array.from(ranges.flat().map((r) => r[1])),
      truthRank: Int32Array.from(truth),
      levels: M,
      start: 0,
      end: T,
      size: new Int32Array(T * M),
      truthIn: new Int32Array(T * M),
    };
    expect(matchCount(payload)).toBe(T);
    let checked = 0;
    for (let t = 0; t < T; t++) {
      for (let m = 1; m <= M; m++) {
        const o = t * M + m - 1;
        if (items[t].length < m) {
          expect(payload.size[o]).toBe(-1);
          continue;
        }
        const members: number[] = [];
        for (const [lo, hi] of ranges[t]) {
          for (let p = lo; p < hi; p++) {
            if (items[t].slice(0, m).every((alt) => alt.some((tok) => held[p].includes(tok))))
              members.push(p);
          }
        }
        expect(payload.size[o]).toBe(members.length);
        expect(payload.truthIn[o]).toBe(members.includes(truth[t]) ? 1 : 0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });
});

describe('rarePairs', () => {
  it('counts pairs of common codes held together by fewer than N patients (hand-computed)', () => {
    // Persons: {0,1} {0,1} {0,2} {1,2} {0,1,2}; N = 3. Pairs: (0,1) by 3 (not rare), (0,2) by 2, (1,2) by 2.
    const sets = csr([
      [0, 1],
      [0, 1],
      [0, 2],
      [1, 2],
      [0, 1, 2],
    ]);
    const index = invertTokens(5, sets.offsets, sets.values, 3);
    const run = (shard: number, shards: number) =>
      rarePairs({
        postOffsets: index.offsets,
        postings: index.postings,
        setOffsets: sets.offsets,
        setCodes: sets.values,
        eligible: Uint8Array.of(1, 1, 1),
        bases: [0],
        threshold: 3,
        shard,
        shards,
      })[0];
    expect(run(0, 1)).toBe(2);
    expect(run(0, 2) + run(1, 2)).toBe(2);
  });
});
