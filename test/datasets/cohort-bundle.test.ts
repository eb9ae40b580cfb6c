import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../datasets/cohort/build.js';
import { cli } from '../cli/helpers.js';

const ROOT = resolve(import.meta.dirname, '../../datasets/cohort');

describe('bundled cohort', () => {
  it('is reproduced byte for byte by the committed scripts (npm run cohort:bundle)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cohort-bundle-'));
    await buildBundle(out);
    for (const dir of ['original', 'release-strong', 'release-weak']) {
      const files = readdirSync(join(ROOT, dir)).sort();
      expect(readdirSync(join(out, dir)).sort()).toEqual(files);
      for (const f of files) {
        expect(readFileSync(join(out, dir, f)).equals(readFileSync(join(ROOT, dir, f))), `${dir}/${f}`).toBe(
          true,
        );
      }
    }
  });

  it('stays small (committed data under 10 MB)', () => {
    let bytes = 0;
    for (const dir of ['original', 'release-strong', 'release-weak', 'reference']) {
      for (const f of readdirSync(join(ROOT, dir))) bytes += readFileSync(join(ROOT, dir, f)).length;
    }
    expect(bytes).toBeLessThan(10 * 2 ** 20);
  });
});

describe('flat demographic trials on the cohort (person table)', () => {
  it('runs on the strong release with --qi sex,birth_ym,pref and passes `controlled`', () => {
    const out = mkdtempSync(join(tmpdir(), 'cohort-flat-'));
    const r = cli([
      'run',
      '--release',
      join(ROOT, 'release-strong/patients.csv'),
      '--qi',
      'sex,birth_ym,pref',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.verdict).toBe('pass');
    const u = report.attacks.find((a: { id: string }) => a.id === 'uniqueness');
    expect(u.metrics.minClassSize.value).toBeGreaterThanOrEqual(5);
  });

  it('sample trials: the weak release fails (unique patients, linkage re-identifies), the strong one passes', {
    timeout: 240_000,
  }, () => {
    const weakOut = mkdtempSync(join(tmpdir(), 'cohort-weak-'));
    const weak = cli(['run', 'datasets/trials/cohort-weak-flat.yaml', '--out', weakOut, '-q']);
    expect(weak.code).toBe(1);
    const wr = JSON.parse(readFileSync(join(weakOut, 'report.json'), 'utf8'));
    expect(wr.verdict).toBe('fail');
    const link = wr.attacks.find((a: { id: string }) => a.id === 'linkage');
    expect(link.metrics.reidentificationRate.value).toBeGreaterThan(0.5);
    const strongOut = mkdtempSync(join(tmpdir(), 'cohort-strong-'));
    const strong = cli(['run', 'datasets/trials/cohort-strong-flat.yaml', '--out', strongOut, '-q']);
    expect(strong.code).toBe(0);
    expect(JSON.parse(readFileSync(join(strongOut, 'report.json'), 'utf8')).verdict).toBe('pass');
  });
});
