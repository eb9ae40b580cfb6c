/**
 * Bad input: every case exits 2 with one line on stderr naming the input, no stack trace, and no
 * report that says pass (issue 2, part 10).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from './helpers.js';

const dir = tmp('reidgate-bad-');
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const good = file('good.csv', 'age,sex\n34,F\n45,M\n');
const garbage = Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256);

function expectInputError(args: string[], mentions: RegExp[]): void {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = cli(['run', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^reidgate: /);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+/m);
  for (const m of mentions) expect(lines[0]).toMatch(m);
  expect(existsSync(join(out, 'report.json'))).toBe(false);
}

describe('bad input exits 2 with a one-line message', () => {
  it('a missing file', () =>
    expectInputError(['--release', join(dir, 'nofile.csv'), '--qi', 'age'], [/nofile\.csv/]));
  it('an unknown format', () =>
    expectInputError(['--release', file('data.xlsx', 'age\n1\n'), '--qi', 'age'], [/data\.xlsx/]));
  it('garbage bytes named .parquet', () =>
    expectInputError(['--release', file('garbage.parquet', garbage), '--qi', 'age'], [/garbage\.parquet/]));
  it('garbage bytes named .arrow', () =>
    expectInputError(['--release', file('garbage.arrow', garbage), '--qi', 'age'], [/garbage\.arrow/]));
  it('a ragged row (names the line)', () =>
    expectInputError(
      ['--release', file('ragged.csv', 'age,sex\n34,F\n45\n'), '--qi', 'age'],
      [/ragged\.csv/, /line 3/],
    ));
  it('an unclosed quote', () =>
    expectInputError(
      ['--release', file('unclosed.csv', 'age,sex\n34,"F\n'), '--qi', 'age'],
      [/unclosed\.csv/, /quote/i],
    ));
  it('an empty file', () =>
    expectInputError(['--release', file('empty.csv', ''), '--qi', 'age'], [/empty\.csv/]));
  it('a header-only file', () =>
    expectInputError(
      ['--release', file('header.csv', 'age,sex\n'), '--qi', 'age'],
      [/header\.csv/, /no records/],
    ));
  it('duplicate column names', () =>
    expectInputError(['--release', file('dup.csv', 'age,age\n1,2\n'), '--qi', 'age'], [/dup\.csv/, /age/]));
  it('a QI that is not a column (lists the columns)', () =>
    expectInputError(['--release', good, '--qi', 'agee'], [/agee/, /columns: age, sex/]));
  it('no QI given', () => expectInputError(['--release', good], [/--qi/]));
  it('--workers 0', () =>
    expectInputError(['--release', good, '--qi', 'age', '--workers', '0'], [/--workers/]));
  it('--workers abc', () =>
    expectInputError(['--release', good, '--qi', 'age', '--workers', 'abc'], [/--workers/, /abc/]));
  it('an unknown attack', () =>
    expectInputError(
      ['--release', good, '--qi', 'age', '--attacks', 'nosuchattack'],
      [/nosuchattack/, /uniqueness/],
    ));
  it('an unknown preset', () =>
    expectInputError(
      ['--release', good, '--qi', 'age', '--preset', 'lax'],
      [/--preset/, /lax/, /controlled/],
    ));
  it('an unknown flag', () => expectInputError(['--release', good, '--qi', 'age', '--bogus'], [/--bogus/]));
  it('a sensitive attribute that is also a QI', () =>
    expectInputError(['--release', good, '--qi', 'age', '--sensitive', 'age'], [/--sensitive/, /age/]));
  it('an Arrow file with no rows', () => {
    const empty = tableToIPC(tableFromArrays({ age: new Int32Array(0) }), 'file');
    expectInputError(['--release', file('zero.arrow', empty), '--qi', 'age'], [/zero\.arrow/]);
  });
  it('an invalid trial file names the field', () => {
    const t = file('trial.yaml', 'release: good.csv\nqi: [age]\nworkers: 0\n');
    expectInputError([t], [/trial\.yaml/, /workers/]);
  });
  it('an unknown field in a trial file', () => {
    const t = file('trial2.yaml', 'release: good.csv\nqi: [age]\nqis: [sex]\n');
    expectInputError([t], [/trial2\.yaml/, /qis/]);
  });
});

describe('population and weights inputs (issue 3) exit 2 naming the problem', () => {
  const weighted = file('weighted.csv', 'age,sex,w\n34,F,10\n45,M,-2\n');
  const blankW = file('blankw.csv', 'age,sex,w\n34,F,10\n45,M,\n');
  it('a population smaller than the release', () =>
    expectInputError(['--release', good, '--qi', 'age', '--population', '1'], [/--population/, /smaller/]));
  it('a sampling fraction outside (0, 1]', () => {
    expectInputError(
      ['--release', good, '--qi', 'age', '--sampling-fraction', '0'],
      [/--sampling-fraction/, /\(0, 1\]/],
    );
    expectInputError(
      ['--release', good, '--qi', 'age', '--sampling-fraction', '1.5'],
      [/--sampling-fraction/],
    );
    expectInputError(
      ['--release', good, '--qi', 'age', '--sampling-fraction', 'half'],
      [/--sampling-fraction/],
    );
  });
  it('a weights column with a negative value', () =>
    expectInputError(
      ['--release', weighted, '--qi', 'age', '--weights', 'w'],
      [/--weights/, /row 2/, /positive/],
    ));
  it('a weights column with a blank', () =>
    expectInputError(['--release', blankW, '--qi', 'age', '--weights', 'w'], [/--weights/, /blank/]));
  it('a weights column that does not exist', () =>
    expectInputError(['--release', good, '--qi', 'age', '--weights', 'wt'], [/--weights/, /wt/]));
  it('a population table whose columns do not match', () => {
    const pop = file('pop.csv', 'agegroup,sex,count\n30,F,100\n');
    expectInputError(
      ['--release', good, '--qi', 'age,sex', '--population-table', pop],
      [/--population-table/, /age/],
    );
  });
  it('two descriptions of the population at once', () =>
    expectInputError(
      ['--release', good, '--qi', 'age', '--population', '100', '--sampling-fraction', '0.1'],
      [/--population/, /--sampling-fraction/],
    ));
  it('an attack option out of range, found inside the attack (exit 2, not an attack failure)', () =>
    expectInputError(
      [
        '--release',
        good,
        '--original',
        good,
        '--aligned',
        '--qi',
        'age,sex',
        '--attacks',
        'linkage',
        '--option',
        'linkage.linkabilityK=0',
      ],
      [/linkage\.linkabilityK/],
    ));
});

describe('fail-closed output folder', () => {
  it('a run stopped by bad input leaves no earlier passing report behind', () => {
    const out = join(dir, 'reused-out');
    const pass = cli(['run', '--release', good, '--qi', 'sex', '--preset', 'controlled-k3', '--out', out]);
    expect(pass.code, pass.stderr).toBe(1); // two records, classes of one: fails, but writes a report
    writeFileSync(join(out, 'report.json'), '{"verdict": "pass"}');
    const bad = cli(['run', '--release', join(dir, 'nofile.csv'), '--qi', 'age', '--out', out]);
    expect(bad.code).toBe(2);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });
});
