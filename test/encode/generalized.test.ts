import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { numericValue } from '../../src/encode/encode.js';
import {
  inRange,
  maskMatcher,
  parseDateRange,
  parseHierarchy,
  parseNumericRange,
} from '../../src/encode/generalized.js';
import { encodeJoint, isCompatible } from '../../src/encode/joint.js';

describe('parseNumericRange reads intervals in common spellings', () => {
  const cases: Array<[string, number, boolean, number[]]> = [
    // text, value, expected membership, [lo, hi]
    ['30-39', 39, true, [30, 39]],
    ['30-39', 40, false, [30, 39]],
    ['[30,40)', 40, false, [30, 40]],
    ['[30,40)', 30, true, [30, 40]],
    ['(30,40]', 30, false, [30, 40]],
    ['30～39', 35, true, [30, 39]],
    ['３０〜３９', 35, true, [30, 39]],
    ['<20', 20, false, [-Infinity, 20]],
    ['≤20', 20, true, [-Infinity, 20]],
    ['20未満', 19, true, [-Infinity, 20]],
    ['90+', 95, true, [90, Infinity]],
    ['≥90', 90, true, [90, Infinity]],
    ['>90', 90, false, [90, Infinity]],
    ['90歳以上', 90, true, [90, Infinity]],
    ['*', 5, true, [-Infinity, Infinity]],
  ];
  it.each(cases)('%s contains %d: %s', (text, v, member, [lo, hi]) => {
    const r = parseNumericRange(text)!;
    expect(r).not.toBeNull();
    expect([r.lo, r.hi]).toEqual([lo, hi]);
    expect(inRange(v, r)).toBe(member);
  });
  it('plain numbers are points; words are not ranges', () => {
    expect(parseNumericRange('34')).toEqual({ lo: 34, hi: 34, loOpen: false, hiOpen: false });
    expect(parseNumericRange('-3.5')!.lo).toBe(-3.5);
    expect(parseNumericRange('Male')).toBeNull();
  });
  it('numericValue takes interval midpoints and open ends', () => {
    expect(numericValue('30-39', 'numeric')).toBe(34.5);
    expect(numericValue('90+', 'numeric')).toBe(90);
    expect(numericValue('<20', 'numeric')).toBe(20);
    expect(numericValue('*', 'numeric')).toBeNaN();
  });
});

describe('parseDateRange reads dates at any precision', () => {
  const day = Date.UTC(1980, 4, 17);
  it.each([
    ['1980-05-17', true],
    ['1980-05', true],
    ['1980/5', true],
    ['198005', true],
    ['1980', true],
    ['1980-**-**', true],
    ['1980-05-**', true],
    ['1980年5月', true],
    ['1981', false],
  ])('%s', (text, member) => {
    const r = parseDateRange(text)!;
    expect(r).not.toBeNull();
    expect(inRange(day, r)).toBe(member);
  });
  it('a Japanese fiscal year runs April to March', () => {
    const fy = parseDateRange('2020年度')!;
    expect(inRange(Date.UTC(2020, 3, 1), fy)).toBe(true);
    expect(inRange(Date.UTC(2021, 2, 31), fy)).toBe(true);
    expect(inRange(Date.UTC(2020, 2, 31), fy)).toBe(false);
    expect(inRange(day, parseDateRange('FY1980')!)).toBe(true);
  });
});

describe('masks and hierarchies', () => {
  it('a * in a masked string stands for one character', () => {
    expect(maskMatcher('123**')!('12345')).toBe(true);
    expect(maskMatcher('123**')!('1234')).toBe(false);
    expect(maskMatcher('a.b*')!('a.bc')).toBe(true);
    expect(maskMatcher('a.b*')!('axbc')).toBe(false);
    expect(maskMatcher('plain')).toBeNull();
  });
  it('parses ARX hierarchy lines', () => {
    const h = parseHierarchy('34;30-39;30-49;*\n35;30-39;30-49;*\n');
    expect([...h.get('34')!]).toEqual(['30-39', '30-49', '*']);
  });
});

describe('encodeJoint', () => {
  it('gives equal values equal codes across tables and relates generalized values to what they cover', () => {
    const release = tableFromArrays({
      age: ['30-39', '*', '41'],
      zip: ['123**', '12399', '*'],
      edu: ['HS', 'Tertiary', 'HS'],
    });
    const original = tableFromArrays({
      age: ['34', '41', '41'],
      zip: ['12345', '12399', '99999'],
      edu: ['HS-grad', 'Masters', 'HS'],
    });
    const hierarchy = parseHierarchy('HS-grad;HS;*\nMasters;Tertiary;*\nHS;HS;*\n');
    const j = encodeJoint(
      new Map([
        ['release', { table: release, label: '--release' }],
        ['original', { table: original, label: '--original' }],
      ]),
      [
        { name: 'age', kind: 'numeric' },
        { name: 'zip', kind: 'categorical' },
        { name: 'edu', kind: 'categorical', hierarchy },
      ],
    );
    const rel = j.tables.get('release')!;
    const ori = j.tables.get('original')!;
    const code = (t: typeof rel, col: string, i: number) => t.columns.get(col)!.codes[i];
    expect(code(ori, 'age', 1)).toBe(code(rel, 'age', 2)); // '41' in both
    const ok = (col: string, oi: number, ri: number) =>
      isCompatible(j.compat.get(col)!, code(ori, col, oi), code(rel, col, ri));
    expect(ok('age', 0, 0)).toBe(true); // 34 in 30-39
    expect(ok('age', 1, 0)).toBe(false); // 41 not in 30-39
    expect(ok('age', 0, 1)).toBe(true); // * matches anything
    expect(ok('zip', 0, 0)).toBe(true); // 12345 ~ 123**
    expect(ok('zip', 2, 0)).toBe(false);
    expect(ok('edu', 0, 0)).toBe(true); // HS-grad → HS
    expect(ok('edu', 1, 1)).toBe(true); // Masters → Tertiary
    expect(ok('edu', 1, 0)).toBe(false);
    expect(rel.columns.get('age')!.numbers![0]).toBe(34.5);
  });

  it('a hierarchy that does not cover a target value is an input error naming the column', () => {
    const t = tableFromArrays({ edu: ['PhD'] });
    expect(() =>
      encodeJoint(
        new Map([
          ['release', { table: tableFromArrays({ edu: ['*'] }), label: '--release' }],
          ['original', { table: t, label: '--original o.csv' }],
        ]),
        [
          {
            name: 'edu',
            kind: 'categorical',
            hierarchy: parseHierarchy('HS;*\n'),
            hierarchySource: 'edu.csv',
          },
        ],
      ),
    ).toThrowError(
      expect.objectContaining({
        code: 'COLUMN',
        message: expect.stringMatching(/edu\.csv.*`edu`.*--original o\.csv/),
      }),
    );
  });
});

describe('released values the attacker has never seen', () => {
  it('match nothing in the strict relation; in the unknown-as-generalized one they match anything, except another spelling of the same number', () => {
    const j = encodeJoint(
      new Map([
        [
          'release',
          { table: tableFromArrays({ occ: ['Technical', 'Sales'], n: ['2.0', '3.0'] }), label: '--release' },
        ],
        [
          'original',
          { table: tableFromArrays({ occ: ['Craft-repair', 'Sales'], n: ['2', '3'] }), label: '--original' },
        ],
      ]),
      [
        { name: 'occ', kind: 'categorical' },
        { name: 'n', kind: 'categorical' },
      ],
    );
    const rel = j.tables.get('release')!;
    const ori = j.tables.get('original')!;
    const ok = (which: typeof j.compat, col: string, oi: number, ri: number) =>
      isCompatible(which.get(col)!, ori.columns.get(col)!.codes[oi], rel.columns.get(col)!.codes[ri]);
    const loose = j.compatUnknownAsGeneralized;
    expect(ok(j.compat, 'occ', 0, 0)).toBe(false); // strict: Craft-repair vs Technical
    expect(ok(loose, 'occ', 0, 0)).toBe(true); // Technical: a generalization of unknown extent
    expect(ok(loose, 'occ', 1, 0)).toBe(true); // Sales ~ Technical too: the attacker cannot tell
    expect(ok(loose, 'occ', 0, 1)).toBe(false); // Craft-repair ≠ Sales (a value both sides hold)
    expect(ok(j.compat, 'n', 0, 0)).toBe(false);
    expect(ok(loose, 'n', 0, 0)).toBe(true); // 2 ~ 2.0
    expect(ok(loose, 'n', 0, 1)).toBe(false); // 2 ≠ 3.0
  });
});
