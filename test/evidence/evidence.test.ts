/**
 * The evidence bundle end to end, as a third-party tester and a data holder use it: every run writes
 * manifest.json (hashes of inputs and outputs, the resolved trial, numbers); `run --sign` signs it; `verify`
 * re-hashes and checks the signature (tampered output, tampered manifest, wrong key); `replay` re-runs the
 * sample trial and gets identical numbers, and notices changed inputs or numbers.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/evidence/manifest.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';

const ADULT = join(ROOT, 'datasets/adult/adult.csv');
const K5_TRIAL = join(ROOT, 'datasets/trials/adult-k5.yaml');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const readManifest = (dir: string) =>
  Manifest.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));

describe('the evidence bundle', () => {
  const dir = tmp('reidgate-evidence-');
  const key = join(dir, 'tester.pem');
  const pub = join(dir, 'tester.pub.pem');
  const other = join(dir, 'other.pem');
  expect(cli(['keygen', key]).code).toBe(0);
  expect(cli(['keygen', other, '--pub', join(dir, 'other.pub.pem')]).code).toBe(0);
  const out = join(dir, 'out');
  const run = cli([
    'run',
    K5_TRIAL,
    '--original',
    ADULT,
    '--aligned',
    '--targets',
    '1000',
    '--workers',
    '2',
    '--out',
    out,
    '--sign',
    key,
    '-q',
  ]);

  it('every run writes manifest.json: hashes of every input and output, the resolved trial, runtime, numbers', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^PASS: .* · report: .*report\.html · manifest signed\n$/);
    const m = readManifest(out);
    expect(m.inputs.map((f) => f.role).sort()).toEqual(['original', 'release', 'trial']);
    for (const f of m.inputs) expect(f.sha256).toBe(sha(f.path));
    const files = readdirSync(out).filter((f) => f !== 'manifest.json' && f !== 'manifest.sig');
    expect(m.outputs.map((f) => f.path).sort()).toEqual(files.sort());
    for (const f of m.outputs) expect(f.sha256).toBe(sha(join(out, f.path)));
    expect(m.trial).toMatchObject({
      seed: 1,
      workers: 2,
      targets: 1000,
      aligned: true,
      preset: 'controlled',
    });
    expect(m.trial.format).toEqual(['json', 'md', 'html', 'junit']);
    expect(m.runtime.node).toBe(process.version);
    expect(m.attacks.find((a) => a.id === 'linkage')).toMatchObject({ status: 'ok' });
    expect(m.timings.totalSeconds).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const u = report.attacks.find((a: { id: string }) => a.id === 'uniqueness');
    expect(m.results.metrics['uniqueness.minClassSize'].value).toBe(u.metrics.minClassSize.value);
    expect(m.results.verdict).toBe(report.verdict);
  });

  it('verify: a signed bundle checks out with the signer’s public key', () => {
    const r = cli(['verify', out, '--pubkey', pub]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/OK: 9 files match the manifest, signature valid/); // 6 outputs + 3 inputs
  });

  it('verify: another key is detected', () => {
    const r = cli(['verify', out, '--pubkey', join(dir, 'other.pub.pem')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not by the given --pubkey/);
  });

  it('verify: a tampered output and a tampered manifest are detected', () => {
    const copy = join(dir, 'tampered');
    const copyDir = (from: string, to: string) => {
      mkdirSync(to);
      for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
    };
    copyDir(out, copy);
    appendFileSync(join(copy, 'record-risk.csv'), '30162,1,1\n');
    const r = cli(['verify', copy, '--pubkey', pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MISMATCH output record-risk\.csv: SHA-256/);

    const copy2 = join(dir, 'tampered-manifest');
    copyDir(out, copy2);
    const mpath = join(copy2, 'manifest.json');
    writeFileSync(mpath, readFileSync(mpath, 'utf8').replace('"verdict": "pass"', '"verdict": "fail"'));
    const r2 = cli(['verify', copy2, '--pubkey', pub]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/changed after signing/);
    expect(r2.stdout).toMatch(/signature does not verify/);
  });

  it('verify: bad input exits 2 (no manifest; a key that is not a key); run --sign with a bad key writes nothing', () => {
    expect(cli(['verify', dir]).code).toBe(2);
    const notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello\n');
    expect(cli(['verify', out, '--pubkey', notKey]).code).toBe(2);
    const out2 = join(dir, 'out-badkey');
    const r = cli(['run', K5_TRIAL, '--out', out2, '--sign', notKey, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sign/);
    expect(() => readdirSync(out2)).toThrow();
    expect(cli(['keygen', key]).code).toBe(2); // never overwrites a key
  });

  it('replay: the sample trial gives identical numbers', () => {
    const r = cli(['replay', join(out, 'manifest.json'), '--out', join(dir, 'replayed'), '-q']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^IDENTICAL: \d+ metrics and the verdict \(pass\) reproduced/);
    const a = readManifest(out);
    const b = readManifest(join(dir, 'replayed'));
    expect(b.results).toEqual(a.results);
    const csv = (m: typeof a) => m.outputs.filter((f) => f.path.endsWith('.csv'));
    expect(csv(b)).toEqual(csv(a));
  });

  it('replay: changed numbers and changed inputs are reported with exit 1; a missing input is exit 2', () => {
    // a manifest whose recorded numbers were altered
    const alt = join(dir, 'altered');
    mkdirSync(alt);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    m.results.metrics['uniqueness.equivalenceClasses'].value += 1;
    writeFileSync(join(alt, 'manifest.json'), JSON.stringify(m));
    const r = cli(['replay', alt, '-q']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DIFFERS uniqueness\.equivalenceClasses: recorded \d+, replayed \d+/);

    // a bundle made from a copy of the release that has since changed
    const rel = join(dir, 'release.csv');
    copyFileSync(join(ROOT, 'datasets/adult/adult_k5_release.csv'), rel);
    const out3 = join(dir, 'out3');
    expect(
      cli(['run', '--release', rel, '--qi', 'age,sex,race', '--attacks', 'uniqueness', '--out', out3, '-q'])
        .code,
    ).toBe(0);
    appendFileSync(rel, '*,*,*,*,*,*,*,*,*\n');
    const changed = cli(['replay', out3, '-q']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/DIFFERS input release .*SHA-256 differs/);
    writeFileSync(rel, ''); // keep the path, lose the bytes: still a changed input
    const m3 = JSON.parse(readFileSync(join(out3, 'manifest.json'), 'utf8'));
    m3.inputs[0].path = join(dir, 'gone.csv');
    m3.inputs[0].relative = 'gone.csv';
    writeFileSync(join(out3, 'manifest.json'), JSON.stringify(m3));
    expect(cli(['replay', out3, '-q']).code).toBe(2);
  });
});
