import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { codeValue, STRONG, truncateCode } from '../../datasets/cohort/anonymize.js';
import { kmSuppress } from '../../datasets/cohort/km.js';
import { LineShuffler } from '../../datasets/cohort/shuffle.js';
import { rng } from '../../src/stats/random.js';
import { holders, readCsv } from './cohort-helpers.js';

const ROOT = resolve(import.meta.dirname, '../../datasets/cohort');
const ORIGINAL = join(ROOT, 'original');
const STRONG_DIR = join(ROOT, 'release-strong');
const WEAK_DIR = join(ROOT, 'release-weak');
const TABLES = ['patients.csv', 'diagnoses.csv', 'prescriptions.csv', 'checkups.csv'];

describe('release helpers', () => {
  it('truncates codes not counting the dot', () => {
    expect(truncateCode('E11.9', 3)).toBe('E11');
    expect(truncateCode('I10', 3)).toBe('I10');
    expect(truncateCode('M00.01', 4)).toBe('M00.0');
    expect(truncateCode('A10BA02', 5)).toBe('A10BA');
    expect(truncateCode('S01XA', 5)).toBe('S01XA');
    expect(truncateCode('E11.9', null)).toBe('E11.9');
  });

  it('rounds to a step after top- and bottom-coding', () => {
    const r = { step: 0.5, min: 4.5, max: 9 };
    expect(codeValue('6.7', r)).toBe('6.5');
    expect(codeValue('6.8', r)).toBe('7.0');
    expect(codeValue('12.3', r)).toBe('9.0');
    expect(codeValue('3.9', r)).toBe('4.5');
    expect(codeValue('143', { step: 5, min: 90, max: 180 })).toBe('145');
  });

  it('km-suppresses a hand-computed case: rare code, rare pair, per class', () => {
    // class 0: five patients {0,1}, one {0,2}; class 1: one {0}
    const classOf = Int32Array.from([0, 0, 0, 0, 0, 0, 1]);
    const sets = [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 2], [0]].map((s) => Int32Array.from(s));
    const m1 = kmSuppress(classOf, sets, 3, 5, 1);
    // code 2 (1 holder) goes in class 0; code 0 goes for the lone class-1 patient
    expect(m1.map((s) => [...s].sort())).toEqual([[], [], [], [], [], [2], [0]]);
    const sets2 = [
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1, 2],
      [0, 2],
      [0, 2],
      [0, 2],
      [0, 2],
      [0, 2],
    ].map((s) => Int32Array.from(s));
    // pairs {0,1}×6, {0,2}×6, {1,2}×1: patient 5 loses one of 1 and 2 (6 holders each; tie → larger id, 2),
    // after which code 2 still has 5 holders
    const m2 = kmSuppress(new Int32Array(11), sets2, 3, 5, 2);
    expect(m2.map((s) => [...s])).toEqual([[], [], [], [], [], [2], [], [], [], [], []]);
    // one holder fewer: the suppression cascades (code 2 falls to 4 holders, below k)
    const m3 = kmSuppress(new Int32Array(10), sets2.slice(0, 10), 3, 5, 2);
    expect(m3.map((s) => s.size)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // the global floor: with minPatients 7, codes 1 and 2 (6 holders each) go everywhere, code 0 (11) stays
    const m4 = kmSuppress(new Int32Array(11), sets2, 3, 1, 1, 7);
    expect(m4.map((s) => [...s].sort())).toEqual([[1], [1], [1], [1], [1], [1, 2], [2], [2], [2], [2], [2]]);
  });

  it('shuffles lines through several buckets into a permutation, reproducibly', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line-${i}`);
    const run = async () => {
      const s = new LineShuffler(4, rng(9));
      for (const l of lines) await s.add(l);
      const out = join(mkdtempSync(join(tmpdir(), 'cohort-shuffle-')), 'x.csv');
      expect(await s.write(out, 'h')).toBe(5000);
      return readFileSync(out, 'utf8').trimEnd().split('\n');
    };
    const a = await run();
    const b = await run();
    expect(a[0]).toBe('h');
    expect(a).toEqual(b);
    expect([...a.slice(1)].sort()).toEqual([...lines].sort());
    expect(a.slice(1)).not.toEqual(lines);
  });
});

describe('bundled strong release', () => {
  const patients = readCsv(STRONG_DIR, 'patients.csv');
  const dx = readCsv(STRONG_DIR, 'diagnoses.csv');
  const rx = readCsv(STRONG_DIR, 'prescriptions.csv');
  const ck = readCsv(STRONG_DIR, 'checkups.csv');

  it('keeps the same patients, in shuffled order', () => {
    const orig = readCsv(ORIGINAL, 'patients.csv').map((p) => p.pid);
    const rel = patients.map((p) => p.pid);
    expect([...rel].sort()).toEqual(orig);
    expect(rel).not.toEqual(orig);
  });

  it('generalizes demographics: 5-year birth bands with top-coding, prefecture only, classes of >= 5', () => {
    expect(patients.filter((p) => !/^(\d{4}-\d{4}|<=1934|\*)$/.test(p.birth_ym))).toEqual([]);
    for (const p of patients) {
      if (p.birth_ym.includes('-')) {
        const [lo, hi] = p.birth_ym.split('-').map(Number);
        expect(lo % 5 === 0 && hi === lo + 4 && lo > 1934).toBe(true);
      }
    }
    expect(patients.every((p) => p.muni === '*')).toBe(true);
    const classes = new Map<string, number>();
    for (const p of patients)
      classes.set(
        `${p.sex}|${p.birth_ym}|${p.pref}`,
        (classes.get(`${p.sex}|${p.birth_ym}|${p.pref}`) ?? 0) + 1,
      );
    expect(Math.min(...classes.values())).toBeGreaterThanOrEqual(5);
  });

  it('has month dates, 3-character ICD-10, 5-character ATC, and no code held by fewer than 10 patients', () => {
    for (const rows of [dx, rx, ck]) expect(rows.filter((r) => !/^\d{4}-\d\d$/.test(r.date))).toEqual([]);
    expect(dx.filter((r) => !/^([A-Z]\d\d|\*)$/.test(r.icd10))).toEqual([]);
    expect(rx.filter((r) => !/^([A-Z]\d\d[A-Z]{2}|\*)$/.test(r.drug))).toEqual([]);
    for (const [rows, col] of [
      [dx, 'icd10'],
      [rx, 'drug'],
    ] as const) {
      const small = [...holders(rows, col)].filter(([c, s]) => c !== '*' && s.size < 10);
      expect(small).toEqual([]);
    }
  });

  it('is km-anonymous (k=5, m=2) within each demographic class, checked independently', () => {
    const classOf = new Map(patients.map((p) => [p.pid, `${p.sex}|${p.birth_ym}|${p.pref}`]));
    for (const [rows, col] of [
      [dx, 'icd10'],
      [rx, 'drug'],
    ] as const) {
      const sets = new Map<string, Set<string>>();
      for (const r of rows) {
        if (r[col] === '*') continue;
        if (!sets.has(r.pid)) sets.set(r.pid, new Set());
        sets.get(r.pid)!.add(r[col]);
      }
      const support = new Map<string, number>();
      const keys = (pid: string) => {
        const c = [...sets.get(pid)!].sort();
        const out = c.map((a) => `${classOf.get(pid)}#${a}`);
        for (let i = 0; i < c.length; i++)
          for (let j = i + 1; j < c.length; j++) out.push(`${classOf.get(pid)}#${c[i]}+${c[j]}`);
        return out;
      };
      for (const pid of sets.keys()) for (const k of keys(pid)) support.set(k, (support.get(k) ?? 0) + 1);
      const violations = [...support].filter(([, n]) => n < 5);
      expect(violations).toEqual([]);
      expect(sets.size).toBeGreaterThan(2000);
    }
  });

  it('rounds and top-codes checkup values and removes duplicate event rows', () => {
    const v = STRONG.checkups.values!;
    for (const c of ['bmi', 'sbp', 'dbp', 'hba1c'] as const) {
      const bad = ck.filter((r) => {
        const x = Number(r[c]);
        return x < v[c].min || x > v[c].max || Math.abs(x / v[c].step - Math.round(x / v[c].step)) > 1e-9;
      });
      expect(bad).toEqual([]);
    }
    for (const rows of [dx, rx]) {
      const lines = rows.map((r) => Object.values(r).join(','));
      expect(new Set(lines).size).toBe(lines.length);
    }
  });

  it('declares its rules and what they suppressed in rules.yaml', () => {
    const rules = parse(readFileSync(join(STRONG_DIR, 'rules.yaml'), 'utf8'));
    expect(rules.release).toBe('strong');
    expect(rules.personKey).toBe('pid');
    expect(rules.diagnoses).toMatchObject({
      date: 'month',
      codeLength: 3,
      minPatients: 10,
      km: { k: 5, m: 2 },
    });
    expect(rules.summary.rows.diagnoses).toBe(dx.length);
    expect(rules.summary.suppressed.diagnoses).toBeGreaterThan(0);
  });
});

describe('bundled weak release', () => {
  it('holds exactly the original rows, shuffled', () => {
    for (const t of TABLES) {
      const o = readFileSync(join(ORIGINAL, t), 'utf8').trimEnd().split('\n');
      const w = readFileSync(join(WEAK_DIR, t), 'utf8').trimEnd().split('\n');
      expect(w[0]).toBe(o[0]);
      expect(w.slice(1)).not.toEqual(o.slice(1));
      expect([...w.slice(1)].sort()).toEqual([...o.slice(1)].sort());
    }
    expect(parse(readFileSync(join(WEAK_DIR, 'rules.yaml'), 'utf8')).patients).toMatchObject({
      birth: 'month',
      geography: 'muni',
    });
  });
});
