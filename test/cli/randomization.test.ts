/**
 * @module test/cli/randomization — a trial file's `randomization:` through the built CLI: a PRAM
 * matrix file, randomized response and Laplace noise reach the membership attack (its likelihood
 * score) and the inference attack (its posterior guesses); every declaration that does not fit its
 * column is an input error (exit 2) whose one-line message names the column, and nothing is written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { xorshift } from '../../bench/generate.js';
import { cli, tmp } from './helpers.js';

const dir = tmp('reidgate-randomization-');
const rnd = xorshift(3);
const REGIONS = ['north', 'south', 'east', 'west', 'centre'];
const person = () => [
  rnd() < 0.5 ? 'F' : 'M',
  REGIONS[Math.floor(rnd() * rnd() * 5)],
  String(Math.round(20000 + 40000 * rnd())),
  rnd() < 0.3 ? 'yes' : 'no',
];
const members = Array.from({ length: 400 }, person);
const control = Array.from({ length: 800 }, person);
const flip = (v: string, all: string[], keep: number) =>
  rnd() < keep ? v : all.filter((x) => x !== v)[Math.floor(rnd() * (all.length - 1))];
const release = members.map(([sex, region, income, smoker]) => [
  sex,
  flip(region, REGIONS, 0.8),
  String(Math.round(Number(income) + 1000 * Math.log(rnd() / rnd()))),
  flip(smoker, ['yes', 'no'], 0.75),
]);
const csv = (rows: string[][]) => `sex,region,income,smoker\n${rows.map((r) => r.join(',')).join('\n')}\n`;
writeFileSync(join(dir, 'original.csv'), csv(members));
writeFileSync(join(dir, 'control.csv'), csv(control));
writeFileSync(join(dir, 'release.csv'), csv(release));
const pram = (rows: string[], keep = 0.8) =>
  `original,${REGIONS.join(',')}\n${rows
    .map((r) => `${r},${REGIONS.map((c) => (c === r ? keep : (1 - keep) / 4)).join(',')}`)
    .join('\n')}\n`;
writeFileSync(join(dir, 'pram.csv'), pram(REGIONS));

const GOOD = {
  region: { method: 'pram', matrix: 'pram.csv' },
  income: { method: 'laplace', scale: 1000 },
  smoker: { method: 'randomized-response', flip: 0.25 },
};

function trial(randomization: unknown, attacks = ['membership']) {
  const out = tmp();
  const path = join(dir, `trial-${Math.floor(rnd() * 1e9)}.yaml`);
  writeFileSync(
    path,
    YAML.stringify({
      release: 'release.csv',
      original: 'original.csv',
      control: 'control.csv',
      qi: ['sex', 'region', { name: 'income', kind: 'numeric' }],
      sensitive: ['smoker'],
      attacks,
      randomization,
      out,
      seed: 2,
    }),
  );
  return { res: cli(['run', path, '--quiet', '--workers', '2']), out };
}

describe('declared randomization', () => {
  it('reaches membership (likelihood score) and inference (posterior guesses)', () => {
    const { res, out } = trial(GOOD, ['membership', 'inference']);
    expect(res.stderr).toBe('');
    expect([0, 1]).toContain(res.code);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const m = report.attacks.find((a: { id: string }) => a.id === 'membership');
    expect(m.status).toBe('ok');
    expect(Object.keys(m.details.scores)).toContain('likelihood');
    expect(m.details.randomization.randomized.map((r: { column: string }) => r.column)).toEqual([
      'region',
      'income',
      'smoker',
    ]);
    expect(m.series[0].id).toBe('roc');
    const inf = report.attacks.find((a: { id: string }) => a.id === 'inference');
    expect(inf.status).toBe('ok');
    expect(inf.details.secrets.smoker.channel).toBe('randomized-response');
    expect(inf.method).toMatch(/posterior/);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    [
      'a PRAM row that does not sum to 1',
      { region: { method: 'pram', matrix: { north: { north: 0.9, south: 0.2 } } } },
      /randomization\.region: PRAM matrix: row `north` sums to 1\.1/,
    ],
    [
      'a PRAM matrix missing a value of the original',
      { region: { method: 'pram', matrix: 'pram-short.csv' } },
      /randomization\.region: .*no row for the value `\w+` found in the original or control/,
    ],
    [
      'noise on a categorical column',
      { sex: { method: 'laplace', scale: 1 } },
      /randomization\.sex: laplace noise needs a numeric column/,
    ],
    ['a scale of 0', { income: { method: 'gaussian', scale: 0 } }, /randomization\.income\.scale/],
    [
      'PRAM on a numeric column',
      { income: { method: 'pram', matrix: 'pram.csv' } },
      /randomization\.income: pram needs a categorical column/,
    ],
    [
      'a column that is neither QI nor sensitive',
      { weight: { method: 'laplace', scale: 1 } },
      /randomization\.weight: not a quasi-identifier or sensitive attribute/,
    ],
    [
      'randomized response with both keep and flip',
      { smoker: { method: 'randomized-response', keep: 0.5, flip: 0.5 } },
      /randomization\.smoker.*exactly one of keep or flip/,
    ],
    [
      'a missing matrix file',
      { region: { method: 'pram', matrix: 'nowhere.csv' } },
      /randomization\.region: cannot read the PRAM matrix/,
    ],
  ];
  writeFileSync(
    join(dir, 'pram-short.csv'),
    pram(REGIONS.slice(0, 3)).replace(/^original,.*$/m, `original,${REGIONS.join(',')}`),
  );
  for (const [what, r, message] of bad) {
    it(`${what}: exit 2, one line naming the column, nothing written`, () => {
      const { res, out } = trial(r);
      expect(res.code).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(message);
      expect(existsSync(join(out, 'report.json'))).toBe(false);
    });
  }
});
