/**
 * Fellegi–Sunter with Jaro–Winkler: typos and variant spellings in the release are linked when
 * categorical fields are compared by spelling, and not when they are compared exactly.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/pool/pool.js';
import { rng } from '../../src/stats/random.js';
import type { QiSpec } from '../../src/trial/schema.js';
import { tmp } from '../cli/helpers.js';
import { runLinkage, trial, writeCsv } from './linkage-helpers.js';

const pool = new WorkerPool(2);
afterAll(() => pool.close());
const dir = tmp('reidgate-jw-');

const CONSONANTS = 'bcdfghklmnprstv';
const VOWELS = 'aeiou';
const CITIES = ['Aachen', 'Bergen', 'Cork', 'Delft', 'Essen', 'Fulda', 'Genk', 'Hamar', 'Ieper', 'Jena'];
const N = 2000;
const TYPO_SHARE = 0.4;

/** One typo: swap two adjacent letters, drop one, or replace one (never the first letter). */
function typo(s: string, r: () => number): string {
  const i = 1 + Math.floor(r() * (s.length - 2));
  const op = Math.floor(r() * 3);
  if (op === 0) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (op === 1) return s.slice(0, i) + s.slice(i + 1);
  const pool = s[i] && VOWELS.includes(s[i]) ? VOWELS : CONSONANTS;
  const other = pool.replace(s[i], '');
  return s.slice(0, i) + other[Math.floor(r() * other.length)] + s.slice(i + 1);
}

/** People: a 7-letter surname (near-unique), sex, one of 10 cities, one of 5 decades of birth. */
function people(): { original: string[][]; release: string[][]; typoed: boolean[] } {
  const r = rng(11);
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  const original = Array.from({ length: N }, () => {
    const name =
      pick(CONSONANTS).toUpperCase() +
      [VOWELS, CONSONANTS, VOWELS, CONSONANTS, VOWELS, CONSONANTS].map(pick).join('');
    return [
      name,
      r() < 0.5 ? 'F' : 'M',
      CITIES[Math.floor(r() * 10)],
      String(1950 + 10 * Math.floor(r() * 5)),
    ];
  });
  const typoed = original.map(() => r() < TYPO_SHARE);
  const release = original.map((row, i) => (typoed[i] ? [typo(row[0], r), ...row.slice(1)] : [...row]));
  return { original, release, typoed };
}

const QI: QiSpec[] = ['surname', 'sex', 'city', 'decade'].map((name) => ({ name, kind: 'categorical' }));

describe('Fellegi–Sunter with Jaro–Winkler', () => {
  const { original, release, typoed } = people();
  const header = ['surname', 'sex', 'city', 'decade'];
  const o = writeCsv(join(dir, 'o.csv'), header, original);
  const rel = writeCsv(join(dir, 'r.csv'), header, release);

  async function correctShares(stringComparator: string) {
    const { outcome } = await runLinkage(
      trial({ release: rel, original: o, qi: QI, aligned: true, options: { linkage: { stringComparator } } }),
      pool,
    );
    const correct = outcome.perTarget!.columns.probabilisticCorrect;
    const rows = outcome.perTarget!.rows;
    let typoHits = 0;
    let typoN = 0;
    let cleanHits = 0;
    let cleanN = 0;
    rows.forEach((row, t) => {
      if (typoed[row]) {
        typoN++;
        typoHits += correct[t];
      } else {
        cleanN++;
        cleanHits += correct[t];
      }
    });
    const details = (outcome.details!.methods as Record<string, Record<string, unknown>>).probabilistic;
    return { typo: typoHits / typoN, clean: cleanHits / cleanN, typoN, details, series: outcome.series };
  }

  it('links misspelt surnames with Jaro–Winkler (default) and not with exact comparison', async () => {
    const jw = await correctShares('jaro-winkler');
    const exact = await correctShares('exact');
    expect(jw.typoN).toBeGreaterThan(700);
    // With JW a typo scores "close" (≥ 0.94) or "partial" (≥ 0.85) on the surname; the other fields
    // agree, so the true record stands out among the ~20 people sharing sex, city and decade.
    expect(jw.typo).toBeGreaterThan(0.95);
    // Compared exactly, the misspelt surname disagrees with every record; the attacker can only pick
    // among the ~20 records agreeing on the rest (≈ 1/20 in expectation), if it links at all.
    expect(exact.typo).toBeLessThan(0.2);
    // Correctly spelt surnames are linked either way.
    expect(jw.clean).toBeGreaterThan(0.99);
    expect(exact.clean).toBeGreaterThan(0.99);
    expect(jw.details.stringComparator).toBe('jaro-winkler');
    expect(exact.details.stringComparator).toBe('exact');
    // The precision–coverage curves reach the report as a chart series, one line per method.
    // (The misspelt surnames are labels the targets never hold, so the unseen-as-generalized reading
    // of exact linkage runs too.)
    const curve = jw.series!.find((x) => x.id === 'precision-coverage')!;
    expect(new Set(curve.points.map((p) => p.group))).toEqual(
      new Set([
        'exact',
        'exact-unseen-as-generalized',
        'probabilistic',
        'distance-gower',
        'distance-manhattan',
      ]),
    );
    for (const p of curve.points) expect(p.y).toBeGreaterThanOrEqual(0);
    // EM learns that spelling similarity is evidence: the surname's close weight is clearly positive.
    const surname = (jw.details.fields as Array<Record<string, { weight: number }>>)[0];
    expect(surname.close.weight).toBeGreaterThan(5);
  });
});
