/**
 * Linkability end to end through the built CLI (`npm run build` first; `npm test` does): a synthetic
 * release without ground truth. The default preset checks re-identification, which cannot be measured
 * without ground truth, so the verdict is fail (never a pass on linkability alone); a policy that checks
 * linkabilityRisk passes the CTGAN release and fails a release that is the members themselves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../cli/helpers.js';
import { ADULT_QI_FLAG, unpack } from '../fixtures/anonymeter/load.js';

const dir = tmp('reidgate-linkability-cli-');
const paths = unpack();
const policy = join(dir, 'synthetic.yaml');
writeFileSync(
  policy,
  'name: synthetic\nrequired: [linkage]\nchecks:\n  - { attack: linkage, metric: linkabilityRisk, max: 0.05 }\n',
);

function run(release: string, out: string, extra: string[] = []) {
  const res = cli([
    'run',
    '--release',
    release,
    '--original',
    paths.members,
    '--control',
    paths.control,
    '--qi',
    ADULT_QI_FLAG,
    '--attacks',
    'linkage',
    '--targets',
    '1000',
    '--option',
    'linkage.linkabilityA=type_employer,education,occupation,hr_per_week',
    '--option',
    'linkage.linkabilityB=age,marital,relationship,race,sex,country',
    '--workers',
    '2',
    '--out',
    join(dir, out),
    '--quiet',
    ...extra,
  ]);
  const report = JSON.parse(readFileSync(join(dir, out, 'report.json'), 'utf8'));
  return { res, report, attack: report.attacks.find((x: { id: string }) => x.id === 'linkage') };
}

describe('reidgate run: linkability without ground truth (Anonymeter Adult)', () => {
  it('the default preset does not pass: re-identification was not computed', () => {
    const { res, report, attack } = run(paths.ctgan, 'preset');
    expect(res.code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(attack.metrics.linkabilityRisk.ci95).toHaveLength(2);
    expect(attack.metrics.linkabilityRisk.explain).toBeTruthy();
    expect(attack.metrics.reidentificationRate).toBeUndefined();
    const failed = report.checks.filter((c: { passed: boolean }) => !c.passed);
    expect(failed.map((c: { id: string }) => c.id)).toContain('linkage.reidentificationRate');
    expect(attack.method).toMatch(/Linkability \(Giomi et al/);
  });

  it('a policy on linkabilityRisk passes the CTGAN release and fails the members themselves', () => {
    const ctgan = run(paths.ctgan, 'ctgan', ['--policy', policy]);
    expect(ctgan.res.code).toBe(0);
    expect(ctgan.report.verdict).toBe('pass');
    const leak = run(paths.members, 'leak', ['--policy', policy]);
    expect(leak.res.code).toBe(1);
    expect(leak.attack.metrics.linkabilityRisk.value).toBeGreaterThan(0.05);
  });
});
