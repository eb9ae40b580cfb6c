/**
 * `reidgate run --include-examples` and `--lang`: record values enter the reports only with the flag, and the
 * reports then say so on their banner; the label language follows --lang (or the trial's `lang`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from './helpers.js';

/** A release whose every cell carries the marker `Zq9`; rows 0 and 1 are alone in their group. */
function release(dir: string): string {
  const rows = ['zone,job,secret'];
  for (let i = 0; i < 40; i++)
    rows.push(`Zq9zone${i < 2 ? `u${i}` : i % 4},Zq9job${i < 2 ? 'u' : i % 2},Zq9s${i % 3}`);
  const path = join(dir, 'release.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

const read = (out: string, f: string) => readFileSync(join(out, f), 'utf8');

describe('reidgate run --include-examples', () => {
  it('puts the QI values of the riskiest groups in the reports and says so on the banner', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const r = cli([
      'run',
      '--release',
      release(dir),
      '--qi',
      'zone,job',
      '--sensitive',
      'secret',
      '--attacks',
      'uniqueness',
      '--include-examples',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(read(out, 'report.json'));
    expect(report.containsRecordValues).toBe(true);
    const ex = report.examples[0];
    expect(ex.columns).toEqual(['zone', 'job', 'class size', 'row']);
    // the two sample uniques first, then groups of the next smallest size
    expect(ex.rows[0]).toEqual(['Zq9zoneu0', 'Zq9jobu', 1, 0]);
    expect(ex.rows[1]).toEqual(['Zq9zoneu1', 'Zq9jobu', 1, 1]);
    expect(ex.rows.length).toBeGreaterThan(2);
    for (let i = 1; i < ex.rows.length; i++) expect(ex.rows[i][2]).toBeGreaterThanOrEqual(ex.rows[i - 1][2]);

    const html = read(out, 'report.html');
    const banner = html.slice(
      html.indexOf('<div class="banner'),
      html.indexOf('</div>', html.indexOf('<div class="banner')),
    );
    expect(banner).toContain('This report contains record values (made with --include-examples)');
    expect(html).toContain('<td>Zq9zoneu0</td>');
    expect(read(out, 'report.md')).toContain('**Contains record values.**');
    // sensitive values are never examples, and the per-record file holds no values either
    for (const f of ['report.json', 'report.html', 'report.md', 'record-risk.csv', 'junit.xml'])
      expect(read(out, f).includes('Zq9s'), f).toBe(false);
    expect(read(out, 'record-risk.csv').includes('Zq9')).toBe(false);
  });

  it('without the flag no output holds a value and the banner says nothing of values', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const r = cli([
      'run',
      '--release',
      release(dir),
      '--qi',
      'zone,job',
      '--attacks',
      'uniqueness',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(1);
    for (const f of ['report.json', 'report.html', 'report.md', 'record-risk.csv', 'junit.xml'])
      expect(read(out, f).includes('Zq9'), f).toBe(false);
    expect(read(out, 'report.html')).not.toContain('contains record values');
    expect(JSON.parse(read(out, 'report.json')).containsRecordValues).toBe(false);
  });
});

describe('reidgate run --lang', () => {
  it('labels report.html and report.md in Japanese with --lang ja; the trial field does the same', () => {
    const dir = tmp();
    const rel = release(dir);
    const out = join(dir, 'out');
    const r = cli([
      'run',
      '--release',
      rel,
      '--qi',
      'zone,job',
      '--attacks',
      'uniqueness',
      '--lang',
      'ja',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(read(out, 'report.html')).toContain('<html lang="ja">');
    expect(read(out, 'report.html')).toContain('<span class="verdict">不合格</span>');
    expect(read(out, 'report.md')).toContain('### ポリシーのチェック');
    // report.json is the same contract in every language
    expect(JSON.parse(read(out, 'report.json')).verdict).toBe('fail');

    const trial = join(dir, 'trial.yaml');
    writeFileSync(trial, `release: ${rel}\nqi: [zone, job]\nattacks: [uniqueness]\nlang: ja\n`);
    const out2 = join(dir, 'out2');
    expect(cli(['run', trial, '--out', out2, '-q']).code).toBe(1);
    expect(read(out2, 'report.html')).toContain('<html lang="ja">');
    const out3 = join(dir, 'out3');
    expect(cli(['run', trial, '--lang', 'en', '--out', out3, '-q']).code).toBe(1);
    expect(read(out3, 'report.html')).toContain('<html lang="en">');
  });

  it('refuses an unknown language with exit 2 and one line naming the flag', () => {
    const dir = tmp();
    const r = cli([
      'run',
      '--release',
      release(dir),
      '--qi',
      'zone',
      '--lang',
      'fr',
      '--out',
      join(dir, 'o'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('reidgate: --lang `fr`: unknown language (languages: en, ja)');
  });
});

describe('reidgate run --include-examples without the uniqueness attack', () => {
  it('shows no values, does not claim any, and says why', () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const r = cli([
      'run',
      '--release',
      release(dir),
      '--qi',
      'zone,job',
      '--sensitive',
      'secret',
      '--attacks',
      'diversity',
      '--include-examples',
      '--out',
      out,
      '-q',
    ]);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(read(out, 'report.json'));
    expect(report.containsRecordValues).toBe(false);
    expect(report.examples).toEqual([]);
    expect(report.warnings.join(' ')).toContain('--include-examples: no examples shown');
    for (const f of ['report.json', 'report.html', 'report.md'])
      expect(read(out, f).includes('Zq9'), f).toBe(false);
  });
});
