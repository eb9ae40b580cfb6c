/**
 * End to end through the built CLI (`npm run build` first; `npm test` does): `reidgate run … --attacks
 * linkage` writes the linkage metrics into report.json and per-target outcomes into linkage-targets.csv;
 * linkage's bad inputs exit 2 with a one-line message and no report. A hierarchy that does not cover a
 * value is checked through the loader (the CLI has no --hierarchy flag yet, and trial files' hierarchies
 * are not passed on by src/trial/resolve.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, isReidgateError } from '../../src/errors.js';
import { loadInputs } from '../../src/run/inputs.js';
import { cli, tmp } from '../cli/helpers.js';
import { NIST, trial } from './linkage-helpers.js';

const dir = tmp('reidgate-linkage-cli-');
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('reidgate run --attacks linkage on the NIST PRAM release', () => {
  const out = join(dir, 'out');
  const res = cli([
    'run',
    '--release',
    join(NIST, 'pram_default.csv'),
    '--original',
    join(NIST, 'national2019.csv'),
    '--aligned',
    '--qi',
    'AGEP:numeric,SEX,MSP,RAC1P,HOUSING_TYPE,OWN_RENT,EDU,PINCP_DECILE,DVET,DEYE',
    '--attacks',
    'linkage',
    '--targets',
    '2000',
    '--workers',
    '2',
    '--out',
    out,
    '--quiet',
  ]);

  it('runs and writes report.json with the linkage metrics', () => {
    expect(res.stderr).toBe('');
    expect([0, 1]).toContain(res.code);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const a = report.attacks.find((x: { id: string }) => x.id === 'linkage');
    expect(a.status).toBe('ok');
    for (const m of ['targets', 'reidentified', 'reidentificationRate', 'precision', 'baselineRate']) {
      expect(a.metrics[m], m).toBeDefined();
      expect(a.metrics[m].explain, m).toBeTruthy();
    }
    expect(a.metrics.targets.value).toBe(2000);
    expect(a.metrics.reidentificationRate.ci95).toHaveLength(2);
    expect(a.metrics.reidentificationRate.n).toBe(2000);
    expect(a.details.strongestMethod).toBeTruthy();
    expect(Object.keys(a.details.methods)).toEqual(expect.arrayContaining(['exact', 'probabilistic']));
    expect(a.tables.map((t: { title: string }) => t.title).join(' ')).toMatch(/Precision–coverage/);
  });

  it('writes linkage-targets.csv: one line per target, no record values', () => {
    const lines = readFileSync(join(out, 'linkage-targets.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2001);
    const header = lines[0].split(',');
    expect(header.slice(0, 3)).toEqual(['target', 'targetRow', 'inRelease']);
    for (const c of ['exactLinked', 'exactCorrect', 'exactConfidence', 'probabilisticLinked']) {
      expect(header).toContain(c);
    }
    expect(lines[1].split(',')).toHaveLength(header.length);
  });
});

function expectInputError(args: string[], mentions: RegExp[]): void {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = cli(['run', ...args, '--attacks', 'linkage', '--out', out]);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  expect(existsSync(join(out, 'report.json'))).toBe(false);
}

describe('linkage inputs that exit 2', () => {
  const release = file('release.csv', 'pid,age,sex\n1,34,F\n2,45,M\n3,50,F\n');
  const original = file('original.csv', 'pid,age,sex\n1,34,F\n2,45,M\n3,50,F\n4,61,M\n');
  it('an --id column missing from the release', () =>
    expectInputError(
      [
        '--release',
        file('r-noid.csv', 'age,sex\n34,F\n'),
        '--original',
        original,
        '--id',
        'pid',
        '--qi',
        'age,sex',
      ],
      [/--id/, /pid/, /release/],
    ));
  it('an --id column missing from the original', () =>
    expectInputError(
      [
        '--release',
        release,
        '--original',
        file('o-noid.csv', 'age,sex\n34,F\n'),
        '--id',
        'pid',
        '--qi',
        'age,sex',
      ],
      [/--id/, /pid/, /original/],
    ));
  it('duplicate ids', () =>
    expectInputError(
      [
        '--release',
        file('r-dup.csv', 'pid,age,sex\n1,34,F\n1,45,M\n'),
        '--original',
        original,
        '--id',
        'pid',
        '--qi',
        'age,sex',
      ],
      [/--id/, /share a key/],
    ));
  it('--aligned with different row counts', () =>
    expectInputError(
      ['--release', release, '--original', original, '--aligned', '--qi', 'age,sex'],
      [/--aligned/, /3 rows/, /4/],
    ));
  it('auxiliary data with none of the QIs', () =>
    expectInputError(
      ['--release', release, '--auxiliary', file('aux.csv', 'name,town\nA,B\n'), '--qi', 'age,sex'],
      [/--auxiliary/, /none of the quasi-identifiers/],
    ));
  it('a hierarchy that does not cover a value (loader: COLUMN, exit code 2)', async () => {
    const h = file('sex-hierarchy.csv', 'F;*\n');
    const t = trial({
      release,
      original,
      aligned: false,
      qi: [{ name: 'sex', kind: 'categorical', hierarchy: h }],
    });
    const err = await loadInputs(t, () => {}).catch((e: unknown) => e);
    expect(isReidgateError(err)).toBe(true);
    expect((err as { code: 'COLUMN' }).code).toBe('COLUMN');
    expect(exitCodeFor((err as { code: 'COLUMN' }).code)).toBe(2);
    expect((err as Error).message).toMatch(/hierarchy .*sex-hierarchy\.csv.* `sex` .* `M`/);
  });
});
