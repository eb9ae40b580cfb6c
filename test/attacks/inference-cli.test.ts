/**
 * inference end to end through the built CLI (npm test builds first): the Anonymeter Adult fixtures
 * with --release/--original/--control/--qi/--sensitive/--attacks inference, a policy on its risk, a
 * leak that the policy catches, options through --option, the skip without --sensitive, and bad
 * input: a sensitive column absent from the release, the original or the control (exit 2, naming
 * the input and the column, before any attack runs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from '../cli/helpers.js';
import { ADULT_QI_FLAG, unpack } from '../fixtures/anonymeter/load.js';
import { ADULT_SECRETS_FLAG, unpackSensitive } from '../fixtures/anonymeter/load-inference.js';

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
  details: Record<string, unknown>;
  tables: Array<{ title: string; rows: unknown[][] }>;
  warnings: string[];
  method?: string;
}
const attackOf = (dir: string): AttackReport =>
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).attacks.find(
    (a: AttackReport) => a.id === 'inference',
  );

const files = unpackSensitive();
const policy = join(tmp(), 'policy.json');
writeFileSync(
  policy,
  JSON.stringify({
    name: 'inference-gate',
    required: ['inference'],
    checks: [{ attack: 'inference', metric: 'risk', max: 0.5 }],
  }),
);
const run = (release: string, extra: string[] = [], sensitive = ADULT_SECRETS_FLAG) => {
  const out = tmp();
  const res = cli([
    'run',
    '--release',
    release,
    '--original',
    files.members,
    '--qi',
    ADULT_QI_FLAG,
    ...(sensitive ? ['--sensitive', sensitive] : []),
    '--attacks',
    'inference',
    '--out',
    out,
    '--workers',
    '2',
    '--quiet',
    ...extra,
  ]);
  return { res, out };
};

describe('reidgate run --attacks inference', () => {
  it('CTGAN release: every metric with intervals, a table per secret, per-target file; passes risk ≤ 0.5', () => {
    const { res, out } = run(files.ctgan, ['--control', files.control, '--policy', policy]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const a = attackOf(out);
    expect(a.status).toBe('ok');
    expect(a.verdict).toBe('pass');
    expect(a.metrics.targets.value).toBe(4000);
    for (const k of ['accuracy', 'controlAccuracy', 'baselineAccuracy', 'risk', 'capMean', 'tcap']) {
      expect(a.metrics[k].ci95).toHaveLength(2);
      expect(a.metrics[k].n).toBeGreaterThan(0);
    }
    expect(a.metrics.risk.value).toBeLessThan(0.15);
    expect(a.tables[0].rows).toHaveLength(3);
    expect(Object.keys(a.details.secrets as object).sort()).toEqual([
      'capital_gain',
      'capital_loss',
      'income',
    ]);
    expect(a.method).toMatch(/Attacker: knows each target's quasi-identifiers/);
    expect(a.method).toMatch(/within 5% of the true value/);
    const csv = readFileSync(join(out, 'inference-targets.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/targetRow,.*income\.correct/);
    expect(csv.filter((l) => l !== '')).toHaveLength(4001);
  });

  it('release = members: the policy fails it (exit 1)', () => {
    const { res, out } = run(files.members, ['--control', files.control, '--policy', policy]);
    expect(res.code).toBe(1);
    const a = attackOf(out);
    expect(a.verdict).toBe('fail');
    expect(a.metrics.risk.value).toBeGreaterThan(0.9);
    expect(a.metrics.risk.passed).toBe(false);
  });

  it('--option inference.k=3 and --targets reach the attack', () => {
    const { res, out } = run(files.ctgan, [
      '--control',
      files.control,
      '--option',
      'inference.k=3',
      '--targets',
      '1000',
      '--policy',
      policy,
    ]);
    expect(res.code).toBe(0);
    const a = attackOf(out);
    expect(a.details.k).toBe(3);
    expect(a.metrics.targets.value).toBe(1000);
    expect(a.metrics.accuracy.n).toBe(1000);
  });

  it('without --sensitive the attack is skipped with its reason, and a required attack cannot pass', () => {
    const { res, out } = run(files.ctgan, ['--control', files.control, '--policy', policy], '');
    expect(res.code).toBe(1);
    const a = attackOf(out);
    expect(a.status).toBe('skipped');
    expect(a.reason).toMatch(/--sensitive/);
  });

  it('a sensitive column absent from the release: exit 2, naming it, nothing claims pass', () => {
    const { res, out } = run(files.ctgan, ['--control', files.control], 'income,salary');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--sensitive/);
    expect(res.stderr).toMatch(/salary/);
    expect(() => readFileSync(join(out, 'report.json'))).toThrow();
  });

  it('a sensitive column absent from the control: exit 2 before any attack, one line naming the input and column', () => {
    const control = unpack().control;
    const { res, out } = run(files.ctgan, ['--control', control]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/--sensitive: column `income` not in control/);
    expect(res.stderr).toContain(control);
    expect(() => readFileSync(join(out, 'report.json'))).toThrow();
  });

  it('a sensitive column absent from the original: exit 2 naming the original', () => {
    const out = tmp();
    const res = cli([
      'run',
      '--release',
      files.ctgan,
      '--original',
      unpack().members,
      '--control',
      files.control,
      '--qi',
      ADULT_QI_FLAG,
      '--sensitive',
      ADULT_SECRETS_FLAG,
      '--attacks',
      'inference',
      '--out',
      out,
      '--quiet',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--sensitive: column `\w+` not in original/);
  });
});
