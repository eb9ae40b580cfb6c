/**
 * End-to-end: the built CLI on the bundled data, as a CI pipeline drives it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classSizes, readDelimited } from '../fixtures/classes.js';
import { cli, ROOT, tmp } from './helpers.js';

const ADULT = join(ROOT, 'datasets/adult/adult.csv');
const ADULT_QI = 'age,sex,race,marital-status,education,native-country,workclass,occupation';
const NIST_K6 = join(ROOT, 'test/fixtures/nist/k_anonymity_k_6.csv');
const NIST_QI = 'AGEP,SEX,MSP,RAC1P,HOUSING_TYPE,OWN_RENT,EDU,PINCP_DECILE,DVET,DEYE';

type Metrics = Record<
  string,
  { value: number; ci95: unknown; threshold: number | null; passed: boolean | null }
>;
interface ReportLike {
  verdict: string;
  inputs: { release: { rows: number; sha256: string } };
  attacks: Array<{ id: string; status: string; metrics: Metrics; details: Record<string, unknown> }>;
  checks: Array<{ id: string; passed: boolean }>;
  policy: { name: string };
}
const readReport = (dir: string): ReportLike => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const uniq = (r: ReportLike) => r.attacks.find((a) => a.id === 'uniqueness')!;

describe('reidgate run on UCI Adult (ARX version, 30,162 rows, 8 QIs)', () => {
  const out = tmp();
  const res = cli(['run', '--release', ADULT, '--qi', ADULT_QI, '--out', out, '--workers', '2', '--quiet']);

  it('fails the default policy with exit 1 and writes every report', () => {
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1);
    for (const f of ['report.json', 'report.md', 'report.html', 'junit.xml', 'record-risk.csv']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(readReport(out).verdict).toBe('fail');
  });

  it('reproduces sdcMicro 5.8.1 and ARX 3.9.2: 18,109 classes, 14,021 sample uniques, records violating k', () => {
    const oracle = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/oracles/sdcmicro/adult/summary.json'), 'utf8'),
    );
    const u = uniq(readReport(out));
    expect(u.metrics.records.value).toBe(30162);
    expect(u.metrics.equivalenceClasses.value).toBe(oracle.n_equivalence_classes);
    expect(u.metrics.sampleUniques.value).toBe(oracle.n_sample_uniques_fk1);
    expect(u.metrics.minClassSize.value).toBe(1);
    const violating = u.details.recordsViolatingK as Record<string, number>;
    for (const k of ['k2', 'k3', 'k5', 'k10']) expect(violating[k]).toBe(oracle.n_records_violating_k[k]);
    // sdcMicro's unweighted global risk = expected re-identifications / n = classes / n
    expect(u.metrics.prosecutorRiskMean.value).toBeCloseTo(oracle.unweighted.global_risk, 12);
    const arx = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/oracles/arx/adult_risk.json'), 'utf8'));
    const atRisk = arx.input_analysis.sample_risk_summary.find(
      (s: { threshold: number }) => s.threshold === 0.2,
    );
    expect(u.metrics.recordsAtRiskFraction.value).toBeCloseTo(atRisk.prosecutor.records_at_risk, 12);
  });

  it('writes record-risk.csv with one line per record whose class sizes give sdcMicro histogram', () => {
    const lines = readFileSync(join(out, 'record-risk.csv'), 'utf8').trim().split('\n');
    expect(lines[0].startsWith('row,classSize,prosecutorRisk')).toBe(true);
    expect(lines.length - 1).toBe(30162);
    const bySize = new Map<number, number>();
    for (const l of lines.slice(1)) {
      const size = Number(l.split(',')[1]);
      bySize.set(size, (bySize.get(size) ?? 0) + 1);
    }
    // class_size,n_records,n_classes (the header is quoted, the numbers are not)
    const hist = readFileSync(
      join(ROOT, 'test/fixtures/oracles/sdcmicro/adult/class_size_histogram.csv'),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    expect(hist.length).toBeGreaterThan(30);
    expect(bySize.size).toBe(hist.length);
    for (const [size, records] of hist) expect(bySize.get(size)).toBe(records);
  });

  it('gives identical metrics with 1 worker', () => {
    const out1 = tmp();
    const r1 = cli(['run', '--release', ADULT, '--qi', ADULT_QI, '--out', out1, '--workers', '1', '--quiet']);
    expect(r1.code).toBe(1);
    expect(uniq(readReport(out1)).metrics).toEqual(uniq(readReport(out)).metrics);
    expect(readFileSync(join(out1, 'record-risk.csv'), 'utf8')).toBe(
      readFileSync(join(out, 'record-risk.csv'), 'utf8'),
    );
  });
});

describe('reidgate run on the NIST CRC k-anonymity (k=6) release of national2019', () => {
  it('minClassSize agrees with an independent count over the raw strings, with 1 and 2 workers', () => {
    const t = readDelimited(NIST_K6, ',');
    const idx = NIST_QI.split(',').map((c) => t.header.indexOf(c));
    const sizes = classSizes(t.rows, idx);
    const expectedMin = Math.min(...sizes.values());
    for (const w of ['1', '2']) {
      const out = tmp();
      const r = cli(['run', '--release', NIST_K6, '--qi', NIST_QI, '--out', out, '--workers', w, '--quiet']);
      expect([0, 1]).toContain(r.code);
      const u = uniq(readReport(out));
      expect(u.metrics.minClassSize.value).toBe(expectedMin);
      expect(u.metrics.equivalenceClasses.value).toBe(sizes.size);
    }
  });
});

describe('the bundled sample trials', () => {
  it('demo (the strong release of the synthetic medical cohort) passes jp-medical with exit 0', () => {
    const out = tmp();
    const r = cli(['demo', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = readReport(out);
    expect(rep.verdict).toBe('pass');
    expect(rep.policy.name).toBe('jp-medical');
    const ids = rep.attacks.filter((a) => a.status === 'ok').map((a) => a.id);
    for (const id of ['uniqueness', 'linkage', 'code-sets', 'trajectory', 'rare-values'])
      expect(ids).toContain(id);
    expect(uniq(rep).metrics.minClassSize.value).toBeGreaterThanOrEqual(5);
    expect(r.stdout).toMatch(/^PASS: /);
  });

  it('demo adult-k5 (the k=5 Adult release) passes the controlled preset with exit 0', () => {
    const out = tmp();
    const r = cli(['demo', 'adult-k5', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const rep = readReport(out);
    expect(rep.verdict).toBe('pass');
    expect(uniq(rep).metrics.minClassSize.value).toBeGreaterThanOrEqual(5);
  });

  it('the raw Adult trial fails; a trial file with flags overriding it runs the flags', () => {
    const out = tmp();
    const r = cli([
      'run',
      join(ROOT, 'datasets/trials/adult-raw.yaml'),
      '--out',
      out,
      '--qi',
      'sex',
      '--quiet',
    ]);
    // sex alone: two classes, both large → passes
    expect(r.code).toBe(0);
    expect(uniq(readReport(out)).metrics.equivalenceClasses.value).toBe(2);
    const out2 = tmp();
    expect(cli(['run', join(ROOT, 'datasets/trials/adult-raw.yaml'), '--out', out2, '--quiet']).code).toBe(1);
  });
});

describe('policies', () => {
  it('--preset public fails a k=5 release that controlled passes', () => {
    const out = tmp();
    const r = cli([
      'run',
      join(ROOT, 'datasets/trials/adult-k5.yaml'),
      '--preset',
      'public',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code).toBe(1);
    const rep = readReport(out);
    expect(rep.checks.find((c) => c.id === 'uniqueness.prosecutorRiskMax')!.passed).toBe(false);
  });

  it('an unknown metric in a policy file is an input error naming the metric', () => {
    const dir = tmp();
    const p = join(dir, 'p.yaml');
    writeFileSync(p, 'name: x\nchecks:\n  - {attack: uniqueness, metric: minClasSize, min: 5}\n');
    const r = cli(['run', '--release', ADULT, '--qi', 'sex', '--policy', p, '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/minClasSize/);
    expect(r.stderr).toMatch(/minClassSize/);
  });
});

describe('help', () => {
  it('reidgate run --help explains every flag of the contract', () => {
    const r = cli(['run', '--help']);
    expect(r.code).toBe(0);
    for (const f of [
      '--release',
      '--original',
      '--control',
      '--auxiliary',
      '--qi',
      '--sensitive',
      '--id',
      '--aligned',
      '--targets',
      '--attacks',
      '--policy',
      '--preset',
      '--out',
      '--workers',
      '--seed',
      '--format',
    ]) {
      expect(r.stdout).toContain(f);
    }
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('reidgate --help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'inspect', 'demo']) expect(r.stdout).toContain(c);
  });
});

describe('attack options', () => {
  it('--option reaches the attack (suda.maxMsuSize limits the MSU search) and an unknown attack is refused', () => {
    const out = tmp();
    const r = cli([
      'run',
      '--release',
      ADULT,
      '--qi',
      ADULT_QI,
      '--attacks',
      'uniqueness,suda',
      '--option',
      'suda.maxMsuSize=2',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code).toBe(1);
    const suda = readReport(out).attacks.find((a) => a.id === 'suda')!;
    expect(suda.details.maxMsuSize).toBe(2);
    const bad = cli([
      'run',
      '--release',
      ADULT,
      '--qi',
      'sex',
      '--option',
      'sudaa.maxMsuSize=2',
      '--out',
      tmp(),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sudaa/);
    const malformed = cli(['run', '--release', ADULT, '--qi', 'sex', '--option', 'suda', '--out', tmp()]);
    expect(malformed.code).toBe(2);
  });
});

describe('linkage inputs through the CLI', () => {
  it('--hierarchy reaches linkage, and an option named after a context field cannot overwrite it', () => {
    const H = join(ROOT, 'datasets/adult/hierarchies');
    const hier = ADULT_QI.split(',')
      .map((q) => `${q}=${join(H, `adult_hierarchy_${q}.csv`)}`)
      .join(',');
    const out = tmp();
    const r = cli([
      'run',
      '--release',
      join(ROOT, 'datasets/adult/adult_k5_release.csv'),
      '--original',
      ADULT,
      '--aligned',
      '--targets',
      '500',
      '--qi',
      ADULT_QI,
      '--hierarchy',
      hier,
      '--attacks',
      'uniqueness,linkage',
      '--option',
      'linkage.stringComparator=exact',
      '--out',
      out,
      '-q',
    ]);
    expect([0, 1]).toContain(r.code);
    const link = readReport(out).attacks.find((a) => a.id === 'linkage')!;
    expect(link.status).toBe('ok');
    expect(link.metrics.targets.value).toBe(500);
    const bad = cli([
      'run',
      '--release',
      ADULT,
      '--qi',
      'sex',
      '--hierarchy',
      'sexx=/nope.csv',
      '--out',
      tmp(),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--hierarchy/);
  });
});
