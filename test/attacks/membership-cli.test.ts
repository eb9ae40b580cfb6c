/**
 * @module test/attacks/membership-cli — membership end to end through the built CLI (npm test builds first),
 * on the NIST fixtures with the 10 demographic QIs: --release/--original/--control/--qi/--attacks membership
 * writes the four metrics with intervals and the per-target scores; a policy on tpr@fpr=0.01 fails the k=6
 * file (copies of members) and passes a release of other people; --targets is respected; no --control is a
 * stated skip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../cli/helpers.js';
import { DEMOGRAPHIC, nistPath, nistQi } from '../fixtures/nist/load.js';

interface AttackReport {
  id: string;
  status: string;
  reason?: string;
  verdict: string;
  metrics: Record<
    string,
    { value: number; ci95: [number, number] | null; n?: number; passed: boolean | null }
  >;
  warnings: string[];
  details: Record<string, unknown>;
  tables: Array<{ rows: unknown[][] }>;
  method?: string;
}

const attackOf = (dir: string): AttackReport =>
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).attacks.find(
    (a: AttackReport) => a.id === 'membership',
  );

const QI = nistQi(DEMOGRAPHIC)
  .map((q) => (q.kind === 'numeric' ? `${q.name}:numeric` : q.name))
  .join(',');
const policy = join(tmp(), 'policy.json');
writeFileSync(
  policy,
  JSON.stringify({
    name: 'membership-gate',
    required: ['membership'],
    checks: [{ attack: 'membership', metric: 'tpr@fpr=0.01', max: 0.05 }],
  }),
);

const run = (release: string, extra: string[]) => {
  const out = tmp();
  const res = cli([
    'run',
    '--release',
    release,
    '--original',
    nistPath('national2019.csv'),
    '--qi',
    QI,
    '--missing',
    'N,',
    '--attacks',
    'membership',
    '--out',
    out,
    '--workers',
    '2',
    '--format',
    'json',
    '--quiet',
    ...extra,
  ]);
  return { res, out };
};

describe('reidgate run --attacks membership', () => {
  it('k=6 release: writes auc, advantage, tpr@fpr=0.01 and tpr@fpr=0.001 with intervals; the policy fails it', () => {
    const { res, out } = run(nistPath('k_anonymity_k_6.csv'), [
      '--control',
      nistPath('national2018.csv'),
      '--policy',
      policy,
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1);
    const a = attackOf(out);
    expect(a.status).toBe('ok');
    expect(a.verdict).toBe('fail');
    expect(a.metrics.targets.value).toBe(2000);
    for (const m of ['auc', 'advantage', 'tpr@fpr=0.01', 'tpr@fpr=0.001']) {
      expect(a.metrics[m].ci95).toHaveLength(2);
      expect(a.metrics[m].n).toBe(2000);
    }
    expect(a.metrics.auc.value).toBeGreaterThan(0.55);
    expect(a.metrics['tpr@fpr=0.01'].passed).toBe(false);
    expect(a.tables[0].rows).toHaveLength(5);
    expect(a.details.verdictScore).toBeTypeOf('string');
    expect(a.warnings.join('\n')).toMatch(/FPR 0\.001 cannot be resolved/);
    expect(a.method).toMatch(/1000 members and 1000 non-members/);
    const csv = readFileSync(join(out, 'membership-targets.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'target,targetRow,member,half,dcr-gower,dcr-manhattan,dcr-relative,density-ratio,pws-1nn',
    );
    expect(csv).toHaveLength(2001);
  }, 180_000);

  it('a release of other people (ma2019 rows) passes; --targets 300 is respected', () => {
    const { res, out } = run(nistPath('ma2019.csv'), [
      '--control',
      nistPath('national2018.csv'),
      '--policy',
      policy,
      '--targets',
      '300',
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const a = attackOf(out);
    expect(a.metrics.targets.value).toBe(600);
    expect((a.details.targets as { requestedFrom: string }).requestedFrom).toBe('--targets');
    expect(Math.abs(a.metrics.auc.value - 0.5)).toBeLessThan(0.08);
  }, 180_000);

  it('without --control: skipped with the reason', () => {
    const { res, out } = run(nistPath('k_anonymity_k_6.csv'), []);
    expect(res.stderr).toBe('');
    const a = attackOf(out);
    expect(a.status).toBe('skipped');
    expect(a.reason).toMatch(/needs --control/);
    expect(res.code).not.toBe(0);
  }, 180_000);
});
