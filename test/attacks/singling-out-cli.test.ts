/**
 * singling-out end to end through the built CLI (npm test builds first): the Anonymeter Adult
 * fixtures with --release/--original/--control/--qi/--attacks singling-out, a policy on its risk,
 * a leak that the policy catches, and the skip when --control is missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../cli/helpers.js';
import { ADULT_QI_FLAG, unpack } from '../fixtures/anonymeter/load.js';

interface Metric {
  value: number;
  ci95: [number, number] | null;
  n?: number;
  passed: boolean | null;
}
interface AttackReport {
  id: string;
  status: string;
  reason?: string;
  verdict: string;
  metrics: Record<string, Metric>;
  warnings: string[];
  method?: string;
}
const attackOf = (dir: string): AttackReport =>
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).attacks.find(
    (a: AttackReport) => a.id === 'singling-out',
  );

const files = unpack();
const policy = join(tmp(), 'policy.json');
writeFileSync(
  policy,
  JSON.stringify({
    name: 'singling-out-gate',
    required: ['singling-out'],
    checks: [{ attack: 'singling-out', metric: 'risk', max: 0.5 }],
  }),
);
const run = (release: string, extra: string[] = []) => {
  const out = tmp();
  const args = ['run', '--release', release, '--original', files.members, '--qi', ADULT_QI_FLAG];
  const res = cli([
    ...args,
    '--attacks',
    'singling-out',
    '--out',
    out,
    '--workers',
    '2',
    '--quiet',
    ...extra,
  ]);
  return { res, out };
};

describe('reidgate run --attacks singling-out', () => {
  it('CTGAN release: runs, reports every metric with intervals, and passes a risk ≤ 0.5 policy', () => {
    const { res, out } = run(files.ctgan, ['--control', files.control, '--policy', policy]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const a = attackOf(out);
    expect(a.status).toBe('ok');
    expect(a.verdict).toBe('pass');
    expect(a.metrics.predicatesRequested.value).toBe(4000);
    expect(a.metrics.predicatesGenerated.value).toBeGreaterThan(2000);
    for (const k of ['successRate', 'controlRate', 'baselineRate', 'risk']) {
      expect(a.metrics[k].ci95).toHaveLength(2);
      expect(a.metrics[k].n).toBeGreaterThan(0);
    }
    expect(a.metrics.risk.ci95![0]).toBe(0);
    expect(a.warnings.join('\n')).toMatch(/fewer than the 2000 requested/);
    expect(a.method).toMatch(/Attacker: knows only the release/);
  });

  it('release = members: the policy fails it (exit 1)', () => {
    const { res, out } = run(files.members, ['--control', files.control, '--policy', policy]);
    expect(res.code).toBe(1);
    const a = attackOf(out);
    expect(a.verdict).toBe('fail');
    expect(a.metrics.risk.value).toBeGreaterThan(0.9);
    expect(a.metrics.risk.passed).toBe(false);
  });

  it('without --control the attack is skipped with its reason, and a required attack cannot pass', () => {
    const { res, out } = run(files.ctgan, ['--policy', policy]);
    expect(res.code).toBe(1);
    const a = attackOf(out);
    expect(a.status).toBe('skipped');
    expect(a.reason).toMatch(/--control/);
  });
});
