/**
 * A seeded random table (several grouping rounds, missing values, a categorical and a numeric sensitive
 * attribute): the attack against a direct per-class computation with the O(m) reference formulas of
 * measures.ts, and 1 vs 2 workers bit for bit.
 */
import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diversity } from '../../attacks/diversity/index.js';
import { equalEmd, lDiversity, orderedEmd } from '../../attacks/diversity/measures.js';
import type { AttackOutcome } from '../../attacks/types.js';
import { encodeTable } from '../../src/encode/index.js';
import type { EncodedTable } from '../../src/encode/types.js';
import { WorkerPool } from '../../src/pool/pool.js';
import { qis } from '../helpers/tables.js';

const N = 4000;
const QI = Array.from({ length: 8 }, (_, c) => `q${c}`);
let seed = 11;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};

const cols: Record<string, (string | null)[]> = {};
// q0, q1 few values (so classes repeat); q2…q7 up to ~400 values: 402^6 > 2^53 forces a second round.
for (const [c, name] of QI.entries()) {
  const k = c < 2 ? 3 : 400;
  cols[name] = Array.from({ length: N }, () => (c < 2 || rnd() < 0.05 ? String(Math.floor(rnd() * k)) : '0'));
}
for (let i = 0; i < N; i++) if (rnd() < 0.02) cols.q1[i] = null;
cols.cat = Array.from({ length: N }, () => (rnd() < 0.03 ? null : `v${Math.floor(rnd() * rnd() * 6)}`));
cols.num = Array.from({ length: N }, () => (rnd() < 0.03 ? null : String(Math.floor(rnd() * 500) / 4)));

const pools = [new WorkerPool(1), new WorkerPool(2)];
let release: EncodedTable;
const outs: AttackOutcome[] = [];

beforeAll(async () => {
  const table = tableFromArrays(cols as Record<string, string[]>);
  const specs = [
    ...QI.map((name) => ({ name, kind: 'categorical' as const })),
    { name: 'cat', kind: 'categorical' as const },
    { name: 'num', kind: 'numeric' as const },
  ];
  release = encodeTable(table, specs, 'random');
  for (const pool of pools) {
    outs.push(
      await diversity.run({
        release,
        qi: qis(...QI),
        sensitive: ['cat', 'num'],
        pool,
        seed: 1,
        recordThreshold: 0.2,
        wildcard: false,
      }),
    );
  }
}, 60_000);
afterAll(async () => Promise.all(pools.map((p) => p.close())));

describe('diversity on a random table', () => {
  it('matches a direct per-class computation (both distances, worst across attributes)', () => {
    const out = outs[1];
    const classes = new Map<string, number[]>();
    for (let i = 0; i < N; i++) {
      const k = QI.map((q) => cols[q][i] ?? '\u0000').join('\u0001');
      const list = classes.get(k);
      if (list) list.push(i);
      else classes.set(k, [i]);
    }
    expect(classes.size).toBeGreaterThan(N / 4);
    expect(out.details!.equivalenceClasses).toBe(classes.size);
    // table distributions: cat over its values (missing one of them); num over distinct numbers
    const catValues = [...new Set(cols.cat.map((x) => x ?? '\u0000'))];
    const numbers = [...new Set(cols.num.filter((x) => x !== null).map(Number))].sort((a, b) => a - b);
    const distribution = (rows: number[], which: 'cat' | 'num') => {
      if (which === 'cat') {
        const p = new Array(catValues.length).fill(0);
        for (const i of rows) p[catValues.indexOf(cols.cat[i] ?? '\u0000')]++;
        return p.map((x) => x / rows.length);
      }
      const p = new Array(numbers.length).fill(0);
      const known = rows.filter((i) => cols.num[i] !== null);
      for (const i of known) p[numbers.indexOf(Number(cols.num[i]))]++;
      return p.map((x) => x / known.length);
    };
    const all = Array.from({ length: N }, (_, i) => i);
    const qCat = distribution(all, 'cat');
    const qNum = distribution(all, 'num');
    const counts = (rows: number[], which: 'cat' | 'num') => {
      const m = new Map<string, number>();
      for (const i of rows) {
        const x = cols[which][i] ?? '\u0000';
        const key = which === 'num' && x !== '\u0000' ? String(Number(x)) : x;
        m.set(key, (m.get(key) ?? 0) + 1);
      }
      return [...m.values()];
    };
    for (const rows of classes.values()) {
      const lc = lDiversity(counts(rows, 'cat'), 2);
      const ln = lDiversity(counts(rows, 'num'), 2);
      const tc = equalEmd(distribution(rows, 'cat'), qCat);
      const known = rows.some((i) => cols.num[i] !== null);
      const tn = known ? orderedEmd(distribution(rows, 'num'), qNum) : 0;
      for (const i of rows) {
        expect(out.perRecord!.lDistinct[i]).toBe(Math.min(lc.distinct, ln.distinct));
        expect(out.perRecord!.lRecursive[i]).toBe(Math.min(lc.recursive, ln.recursive));
        expect(Math.abs(out.perRecord!.lEntropy[i] - Math.min(lc.entropy, ln.entropy))).toBeLessThan(1e-12);
        expect(Math.abs(out.perRecord!.tCloseness[i] - Math.max(tc, tn))).toBeLessThan(1e-12);
      }
    }
  });

  it('1 and 2 workers give identical results', () => {
    expect(JSON.stringify(outs[1].metrics)).toBe(JSON.stringify(outs[0].metrics));
    expect(JSON.stringify(outs[1].details)).toBe(JSON.stringify(outs[0].details));
    expect(JSON.stringify(outs[1].histograms)).toBe(JSON.stringify(outs[0].histograms));
    expect(outs[1].warnings).toEqual(outs[0].warnings);
    for (const k of Object.keys(outs[0].perRecord!)) {
      expect(
        Buffer.from(outs[1].perRecord![k].buffer).equals(Buffer.from(outs[0].perRecord![k].buffer)),
        k,
      ).toBe(true);
    }
  });

  it('reports each attribute and warns about missing sensitive values', () => {
    const attrs = outs[0].details!.attributes as Array<{ name: string; distance: string }>;
    expect(attrs.map((a) => [a.name, a.distance])).toEqual([
      ['cat', 'equal'],
      ['num', 'ordered'],
    ]);
    expect(outs[0].warnings!.some((w) => /num.*not a number/.test(w))).toBe(true);
  });
});
