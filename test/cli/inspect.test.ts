import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessType } from '../../src/inspect/profile.js';
import { cli, ROOT } from './helpers.js';

const ADULT = join(ROOT, 'datasets/adult/adult.csv');

describe('reidgate inspect', () => {
  it('profiles Adult: rows, types, distinct values and the pairs that make records unique (JSON)', () => {
    const r = cli(['inspect', ADULT, '--json', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.rows).toBe(30162);
    const col = (n: string) => p.columns.find((c: { name: string }) => c.name === n);
    expect(col('age')).toMatchObject({ type: 'numeric', distinct: 72, missingFraction: 0 });
    expect(col('sex')).toMatchObject({ type: 'categorical', distinct: 2, uniqueFraction: 0 });
    expect(col('native-country').distinct).toBe(41);
    // pairs are ranked by the records they make unique; age pairs dominate on Adult
    expect(p.pairs.length).toBe(10);
    for (let i = 1; i < p.pairs.length; i++)
      expect(p.pairs[i - 1].uniques).toBeGreaterThanOrEqual(p.pairs[i].uniques);
    expect(p.pairs[0].columns).toContain('age');
  });

  it('pair counts are the same with 1 worker, and the text output names columns only', () => {
    const one = JSON.parse(cli(['inspect', ADULT, '--json', '--workers', '1']).stdout);
    const two = JSON.parse(cli(['inspect', ADULT, '--json', '--workers', '2']).stdout);
    expect(one.pairs).toEqual(two.pairs);
    const text = cli(['inspect', ADULT]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/30,162 rows, 9 columns/);
    expect(text.stdout).not.toMatch(/Married-civ-spouse|United-States/);
  });

  it('pair uniques agree with an independent count', () => {
    const p = JSON.parse(cli(['inspect', ADULT, '--json']).stdout);
    const text = readFileSync(ADULT, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    const head = lines[0].split(';');
    const rows = lines.slice(1).map((l) => l.split(';'));
    const [a, b] = p.pairs[0].columns.map((c: string) => head.indexOf(c));
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(`${r[a]}\u0000${r[b]}`, (counts.get(`${r[a]}\u0000${r[b]}`) ?? 0) + 1);
    expect(p.pairs[0].uniques).toBe([...counts.values()].filter((c) => c === 1).length);
  });

  it('a missing file exits 2 naming it', () => {
    const r = cli(['inspect', join(ROOT, 'nope.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.csv/);
  });
});

describe('guessType', () => {
  it('tells numbers, dates, categories and identifier-like columns apart', () => {
    expect(guessType(['1', '2.5', '3e2'], 100, 3)).toBe('numeric');
    expect(guessType(['2020-01-02', '2021-12-31'], 100, 2)).toBe('date');
    expect(guessType(['東京都', '大阪府'], 100, 2)).toBe('categorical');
    const ids = Array.from({ length: 100 }, (_, i) => `P${i}`);
    expect(guessType(ids, 100, 100)).toBe('identifier-like');
    expect(guessType([], 0, 0)).toBe('empty');
  });
});
