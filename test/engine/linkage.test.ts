/**
 * Exact compatible-set linkage on --engine local and --engine duckdb gives the same numbers: every
 * metric (exact for counts, 1e-9 for rates), the per-method figures and curves, the compatible-set
 * size distribution, and linkage-targets.csv byte for byte (so the attacker's seeded pick is the same
 * record on both engines). Cases: the bundled Adult k=5 release (with and without ARX hierarchies),
 * the NIST k=6 release by --id, and edge cases of the relation (missing values, wildcards, intervals,
 * coarse and masked dates, masks, unseen labels, `2.0` = `2`, absent targets, no ground truth). Also:
 * other methods on duckdb are a skip that fails closed, and an engine out of memory is exit 3.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import type { CompatibleSetsQuery } from '../../src/engine/types.js';
import { runTrial } from '../../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { nistPath } from '../fixtures/nist/load.js';
import { ADULT_HIERARCHIES } from '../helpers/adult.js';

const TRIALS = join(ROOT, 'datasets/trials');
const ADULT = join(ROOT, 'datasets/adult');
const EXACT = ['linkage.methods=exact'];

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-engine-linkage-'), name);
  writeFileSync(p, text);
  return p;
}

interface Run {
  report: Awaited<ReturnType<typeof runTrial>>['report'];
  exitCode: number;
  targets: string;
}

async function runOn(
  engine: 'local' | 'duckdb',
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<Run> {
  const out = tmp(`reidgate-engine-linkage-${engine}-`);
  const trial = resolveTrial(trialPath, {
    workers: '2',
    format: 'json',
    attacks: 'linkage',
    option: EXACT,
    ...flags,
    engine,
    out,
  });
  const { report, exitCode } = await runTrial(trial);
  const a = report.attacks[0];
  expect(a.status, a.reason).toBe('ok');
  return { report, exitCode, targets: readFileSync(join(out, 'linkage-targets.csv'), 'utf8') };
}

function same(a: number, b: number, what: string): void {
  if (Number.isInteger(a) && Number.isInteger(b)) expect(b, what).toBe(a);
  else expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9);
}

/** Per-method details without the figures that describe how an engine found the sets. */
function methodsOf(r: Run): Record<string, Record<string, unknown>> {
  const m = r.report.attacks[0].details.methods as Record<string, Record<string, unknown>>;
  const engineOnly = ['blockingQis', 'expectedBucketSize', 'fullScans', 'candidatePairs', 'compatiblePairs'];
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries(v).filter(([key]) => !engineOnly.includes(key))),
    ]),
  );
}

/** Runs exact linkage on both engines and asserts the same numbers; returns the duckdb run. */
async function expectSame(
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<{ local: Run; duckdb: Run }> {
  const local = await runOn('local', trialPath, flags);
  const duckdb = await runOn('duckdb', trialPath, flags);
  const [a] = local.report.attacks;
  const [b] = duckdb.report.attacks;
  expect(Object.keys(b.metrics).sort()).toEqual(Object.keys(a.metrics).sort());
  for (const [k, m] of Object.entries(a.metrics)) same(m.value, b.metrics[k].value, k);
  expect(methodsOf(duckdb)).toEqual(methodsOf(local));
  expect(b.tables).toEqual(a.tables);
  expect(b.histograms).toEqual(a.histograms);
  expect(b.series).toEqual(a.series);
  expect(b.method).toBe(a.method);
  expect(b.warnings.filter((w) => !/compared .* with every release row/.test(w))).toEqual(
    a.warnings.filter((w) => !/compared .* with every release row/.test(w)),
  );
  expect(duckdb.targets).toBe(local.targets);
  expect(duckdb.report.verdict).toBe(local.report.verdict);
  expect(duckdb.exitCode).toBe(local.exitCode);
  expect(duckdb.report.trial.engine).toBe('duckdb');
  return { local, duckdb };
}

const methods = (r: Run) => Object.keys(r.report.attacks[0].details.methods as object);

describe('Adult k=5 release, row-aligned with the original', () => {
  it('without hierarchies: exact and exact-unseen-as-generalized agree on both engines', async () => {
    const { duckdb } = await expectSame(join(TRIALS, 'adult-k5.yaml'), {
      original: join(ADULT, 'adult.csv'),
      aligned: true,
    });
    expect(methods(duckdb)).toEqual(['exact', 'exact-unseen-as-generalized']);
    expect(duckdb.report.attacks[0].metrics.reidentified.value).toBeGreaterThan(0);
  });

  it('with ARX hierarchies (and a seeded sample of 3,000 targets)', async () => {
    const { duckdb } = await expectSame(join(TRIALS, 'adult-k5.yaml'), {
      original: join(ADULT, 'adult.csv'),
      aligned: true,
      hierarchy: ADULT_HIERARCHIES,
      targets: '3000',
    });
    expect(methods(duckdb)).toEqual(['exact']);
  });
});

describe('NIST k=6 release by --id (absent targets: prosecutor and journalist settings)', () => {
  it('national2019 targets (seeded 4,000) against k_anonymity_k_6', async () => {
    const nat = readFileSync(nistPath('national2019.csv'), 'utf8').trim().split('\n');
    const k6 = readFileSync(nistPath('k_anonymity_k_6.csv'), 'utf8').trim().split('\n');
    // Keys: the original's row number; the release keeps the first 2/3 of them (others are absent).
    const original = file('original.csv', nat.map((l, i) => `${i === 0 ? 'pid' : `p${i}`},${l}`).join('\n'));
    const release = file(
      'release.csv',
      k6
        .filter((_, i) => i === 0 || i % 3 !== 0)
        .map((l, i) => `${i === 0 ? 'pid' : `p${i * 2}`},${l}`)
        .join('\n'),
    );
    const { duckdb } = await expectSame(undefined, {
      release,
      original,
      id: 'pid',
      qi: 'AGEP,SEX,MSP,RAC1P,HOUSING_TYPE,OWN_RENT,EDU,PINCP_DECILE',
      missing: 'N,',
      targets: '4000',
    });
    const m = duckdb.report.attacks[0].metrics;
    expect(m.journalistTargets.value).toBe(4000);
    expect(m.targets.value).toBeLessThan(4000);
  });
});

describe('edge cases of the compatibility relation', () => {
  it('missing values on both sides, wildcard tokens, `2.0` = `2`', async () => {
    const release = file(
      'release.csv',
      'id,a,b,c\n1,1,x,2.0\n2,1,*,2\n3,,x,3\n4,2,?,3\n5,2,y,\n6,3,y,4\n7,*,x,4\n8,1,x,2\n',
    );
    const original = file(
      'original.csv',
      'id,a,b,c\n1,1,x,2\n2,1,z,2\n3,,x,3\n4,2,q,3.0\n5,2,y,5\n6,3,,4\n7,9,x,4\n8,1,x,2\n',
    );
    for (const wildcard of [undefined, '*', '*,?']) {
      await expectSame(undefined, { release, original, aligned: true, qi: 'a,b,c:numeric', wildcard });
    }
  });

  it('numeric intervals, coarse and masked dates, masked codes, suppression, unseen labels', async () => {
    const release = file(
      'release.csv',
      [
        'key;age;born;zip;job',
        'k0;30-39;1980;123**;Technical',
        'k1;30-39;1980-05;123**;Technical',
        'k2;[40,50);1975-**-**;12***;clerk',
        'k3;90+;FY2020;*;*',
        'k4;<20;2001-03-04;12345;clerk',
        'k5;35;1980-05-17;12346;nurse',
        'k6;30-39;1950-1954;123**;nurse',
        'k7;*;<=1934;99999;Other',
      ].join('\n'),
    );
    const original = file(
      'original.csv',
      [
        'key;age;born;zip;job',
        'k0;33;1980-02-01;12301;engineer',
        'k1;35;1980-05-17;12345;engineer',
        'k2;41;1975-07-07;12999;clerk',
        'k3;93;2020-06-01;55555;nurse',
        'k4;17;2001-03-04;12345;clerk',
        'k5;35.0;1980-05-17;12346;nurse',
        'k6;38;1952-01-01;12300;nurse',
        'k7;80;1930-01-01;99999;clerk',
        'k8;36;;12312;',
      ].join('\n'),
    );
    const { duckdb } = await expectSame(undefined, {
      release,
      original,
      id: 'key',
      qi: 'age:numeric,born:date,zip,job',
    });
    expect(methods(duckdb)).toEqual(['exact', 'exact-unseen-as-generalized']);
  });

  it('an auxiliary table with some of the QIs and no ground truth', async () => {
    const release = file('release.csv', 'a,b,c\n1,x,p\n1,y,p\n2,x,q\n2,x,q\n3,*,r\n');
    const auxiliary = file('aux.csv', 'b,a\nx,1\ny,2\n*,3\nx,\n');
    const { duckdb } = await expectSame(undefined, { release, auxiliary, qi: 'a,b,c' });
    expect(duckdb.report.attacks[0].warnings.join(' ')).toMatch(/lacks c/);
  });
});

describe('on --engine duckdb only exact linkage is pushed down', () => {
  it('the other methods run on fetched rows; when no blocking fits the bound, the attack is skipped with the reason, and the verdict fails closed', async () => {
    const release = file('release.csv', 'a,b\n1,x\n2,y\n');
    const out = tmp('reidgate-engine-linkage-skip-');
    const trial = resolveTrial(undefined, {
      release,
      original: release,
      aligned: true,
      qi: 'a,b',
      engine: 'duckdb',
      attacks: 'linkage',
      option: ['linkage.fetchRows=1'],
      format: 'json',
      workers: '1',
      out,
    });
    const { report, exitCode } = await runTrial(trial);
    expect(report.attacks[0].status).toBe('skipped');
    expect(report.attacks[0].reason).toMatch(
      /more than --option linkage.fetchRows=1, and no blocking of the 2 targets fits under it .*use --option linkage.methods=exact/,
    );
    expect(report.verdict).not.toBe('pass');
    expect(exitCode).not.toBe(0);
  });

  it('an unknown method in linkage.methods is a usage error (exit 2) on either engine', async () => {
    const release = file('release.csv', 'a,b\n1,x\n2,y\n');
    for (const engine of ['local', 'duckdb'] as const) {
      const trial = resolveTrial(undefined, {
        release,
        original: release,
        aligned: true,
        qi: 'a,b',
        engine,
        attacks: 'linkage',
        option: ['linkage.methods=exact,psychic'],
        format: 'json',
        workers: '1',
        out: tmp('reidgate-engine-linkage-bad-'),
      });
      await expect(runTrial(trial)).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringMatching(/linkage\.methods=.*unknown method `psychic`/),
      });
    }
  });

  it('a query beyond the memory limit during linkage: verdict error, exit 3', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i % 97},${i % 89},${i % 83},${i}`).join('\n');
    const release = file('release.csv', `a,b,c,d\n${rows}\n`);
    const original = file('original.csv', `a,b,c,d\n${rows}\n`);
    const real = DuckDbEngine.prototype.compatibleSets;
    const spy = vi.spyOn(DuckDbEngine.prototype, 'compatibleSets').mockImplementation(async function (
      this: DuckDbEngine,
      q: CompatibleSetsQuery,
    ) {
      // Loading fits; the linkage queries then run under a limit far too small for them.
      await this.conn.run("SET memory_limit = '1MB'");
      return real.call(this, q);
    });
    try {
      const out = tmp('reidgate-engine-linkage-oom-');
      const trial = resolveTrial(undefined, {
        release,
        original,
        aligned: true,
        qi: 'a,b,c,d',
        engine: 'duckdb',
        attacks: 'linkage',
        option: EXACT,
        format: 'json',
        workers: '1',
        out,
      });
      const { report, exitCode } = await runTrial(trial);
      expect(exitCode).toBe(3);
      expect(report.verdict).toBe('error');
      expect(report.attacks[0].status).toBe('error');
      expect(report.attacks[0].reason).toMatch(
        /^--engine duckdb: (out of memory|failed) while linking --original/,
      );
    } finally {
      spy.mockRestore();
    }
  });
});
