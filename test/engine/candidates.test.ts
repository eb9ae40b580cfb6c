/**
 * Attacks that do not reduce to SQL on --engine duckdb (src/engine/fetch-local.ts): linkage's
 * distance and Fellegi–Sunter methods, membership, singling-out and inference run on rows fetched
 * from the engine.
 * - Under the fetch bound (every table fetched whole) their figures equal --engine local's: metrics,
 *   details, tables, warnings, the method note (prefixed by what was fetched), the verdict and the
 *   per-target CSVs byte for byte — on the Anonymeter Adult fixtures (no ground truth) and on the
 *   bundled Adult k=5 release with its original (--aligned ground truth, generalized values).
 * - Above it, linkage runs on a blocked seeded sample: the report says what was sampled
 *   (details.sampled, the method note, an APPROXIMATE warning), the verdict cannot pass, and the same
 *   seed gives the same figures; membership, singling-out and inference are skipped (failing
 *   closed), never approximated.
 * - --id ground truth (joined by key on the fetched rows) gives local's figures; a blocked run counts
 *   the true records inside their targets' blocks.
 * - On --engine clickhouse (two shards; skipped, saying why, without a cluster): local's figures under
 *   the bound, and DuckDB's blocked sample and figures above it.
 * - No report holds a raw record value.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchComplete } from '../../src/engine/fetch-local.js';
import { runTrial } from '../../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { ADULT_QI_FLAG, unpack } from '../fixtures/anonymeter/load.js';
import { ADULT_SECRETS_FLAG, unpackSensitive } from '../fixtures/anonymeter/load-inference.js';
import { clusterMissing } from './clickhouse-cluster.js';
import { sameDeep } from './helpers.js';

const ADULT = join(ROOT, 'datasets/adult');

interface Run {
  report: Awaited<ReturnType<typeof runTrial>>['report'];
  exitCode: number;
  out: string;
}

type EngineName = 'local' | 'duckdb' | 'clickhouse';

async function runOn(engine: EngineName, flags: RunFlags): Promise<Run> {
  const out = tmp(`reidgate-candidates-${engine}-`);
  const trial = resolveTrial(undefined, { workers: '2', format: 'json', ...flags, engine, out });
  const { report, exitCode } = await runTrial(trial);
  return { report, exitCode, out };
}

/** Runs on both engines and asserts the same figures for every attack; returns both runs. */
async function expectSame(
  flags: RunFlags,
  engine: Exclude<EngineName, 'local'> = 'duckdb',
): Promise<{ local: Run; duckdb: Run }> {
  const local = await runOn('local', flags);
  const duckdb = await runOn(engine, flags);
  for (const [i, a] of local.report.attacks.entries()) {
    const b = duckdb.report.attacks[i];
    expect(a.status, `${a.id} (local): ${a.reason}`).toBe('ok');
    expect(b.status, `${b.id} (duckdb): ${b.reason}`).toBe('ok');
    sameDeep(a.metrics, b.metrics, `${a.id}.metrics`);
    const { sampled, ...details } = b.details as Record<string, unknown>;
    expect(sampled, `${a.id}.details.sampled`).toMatchObject({ plan: 'complete' });
    sameDeep(a.details, details, `${a.id}.details`);
    sameDeep(a.tables, b.tables, `${a.id}.tables`);
    sameDeep(a.series, b.series, `${a.id}.series`);
    expect(b.warnings, `${a.id}.warnings`).toEqual(a.warnings);
    expect(b.method).toMatch(new RegExp(`^Run on --engine ${engine} by fetching every row of`));
    expect(b.method!.endsWith(a.method!), `${a.id}.method`).toBe(true);
    const csv = `${a.id}-targets.csv`;
    if (existsSync(join(local.out, csv)))
      expect(readFileSync(join(duckdb.out, csv), 'utf8'), csv).toBe(
        readFileSync(join(local.out, csv), 'utf8'),
      );
    else expect(existsSync(join(duckdb.out, csv)), csv).toBe(false);
  }
  expect(duckdb.report.verdict).toBe(local.report.verdict);
  expect(duckdb.exitCode).toBe(local.exitCode);
  return { local, duckdb };
}

const fx = unpack();
const anonymeter: RunFlags = {
  release: fx.ctgan,
  original: fx.members,
  control: fx.control,
  qi: ADULT_QI_FLAG,
  targets: '300',
};

const sx = unpackSensitive();
/** Singling-out and inference as Anonymeter runs them (with the secrets as sensitive attributes). */
const anonymeterAnonymeter: RunFlags = {
  release: sx.ctgan,
  original: sx.members,
  control: sx.control,
  qi: ADULT_QI_FLAG,
  sensitive: ADULT_SECRETS_FLAG,
  attacks: 'singling-out,inference',
  targets: '300',
  option: ['singling-out.n=200'],
};

describe('under the fetch bound: the figures of --engine local', () => {
  it('membership and linkage (every method) on the Anonymeter Adult fixtures', async () => {
    const { duckdb } = await expectSame({
      ...anonymeter,
      attacks: 'membership,linkage',
      option: ['membership.resamples=100'],
    });
    const [m, l] = duckdb.report.attacks;
    expect(m.details.sampled).toEqual({
      plan: 'complete',
      bound: 1_000_000,
      rows: { release: 4000, original: 4000, control: 4000 },
    });
    // linkage's distance and probabilistic methods ran (not only exact)
    expect(Object.keys(l.details.methods as object)).toEqual(
      expect.arrayContaining(['probabilistic', 'distance-gower', 'distance-manhattan']),
    );
  });

  it('singling-out and inference (Anonymeter) on the Anonymeter Adult fixtures', async () => {
    const { duckdb } = await expectSame(anonymeterAnonymeter);
    expect(duckdb.report.attacks.map((a) => a.id)).toEqual(['singling-out', 'inference']);
    expect(duckdb.report.attacks[1].details.sampled).toMatchObject({ plan: 'complete', bound: 1_000_000 });
  });

  it('linkage with ground truth on the Adult k=5 release (generalized values, --aligned)', async () => {
    await expectSame({
      release: join(ADULT, 'adult_k5_release.csv'),
      original: join(ADULT, 'adult.csv'),
      aligned: true,
      qi: 'age,sex,race,marital-status,education,native-country,workclass,occupation',
      attacks: 'linkage',
      targets: '200',
      option: ['linkage.methods=probabilistic,distance'],
    });
  });

  it('fetchComplete declines a table larger than the bound', async () => {
    const engine = { name: 'duckdb', rows: () => 10 } as never;
    expect(await fetchComplete(engine, {} as never, { release: {} as never }, 9)).toBeNull();
  });
});

describe('--id ground truth', () => {
  const dir = tmp('reidgate-candidates-id-');
  const rows = Array.from({ length: 600 }, (_, i) => [
    `p${(i * 7919) % 600}`,
    `z${i % 60}`,
    `j${i % 7}`,
    `${(i * 13) % 50}`,
  ]);
  // The release: the same people in another order, one value in ten perturbed.
  const release = rows
    .map((r, i) => (i % 10 === 0 ? [r[0], r[1], r[2], `${(Number(r[3]) + 1) % 50}`] : r))
    .reverse();
  const csv = (t: string[][]) => `id,zone,job,score\n${t.map((r) => r.join(',')).join('\n')}\n`;
  writeFileSync(join(dir, 'original.csv'), csv(rows));
  writeFileSync(join(dir, 'release.csv'), csv(release));
  const flags: RunFlags = {
    release: join(dir, 'release.csv'),
    original: join(dir, 'original.csv'),
    id: 'id',
    qi: 'zone,job,score:numeric',
    attacks: 'linkage',
    targets: '100',
    option: ['linkage.methods=exact,probabilistic,distance'],
  };

  it('under the bound: the truth joined by key gives the figures of --engine local', async () => {
    await expectSame(flags);
  });

  it('blocked: the report counts the true records inside their blocks', async () => {
    const r = await runOn('duckdb', {
      ...flags,
      targets: '20',
      option: [...flags.option!, 'linkage.fetchRows=300', 'linkage.blockOn=zone'],
    });
    const s = r.report.attacks[0].details.sampled as Record<string, number>;
    expect(s).toMatchObject({ plan: 'blocked', blockOn: ['zone'], trueRecordInRelease: 20 });
    // blocking on zone, never perturbed: every true record is in its target's block
    expect(s.trueRecordInBlock).toBe(20);
    expect(r.report.attacks[0].method).toMatch(
      /0 of the 20 targets whose record is in the release had it outside their block/,
    );
  });
});

describe('above the bound', () => {
  const blocked: RunFlags = {
    ...anonymeter,
    attacks: 'linkage',
    option: ['linkage.fetchRows=3000', 'linkage.methods=exact,probabilistic,distance'],
  };

  it('linkage runs on a blocked seeded sample, says so, cannot pass, and is reproducible', async () => {
    const a = await runOn('duckdb', blocked);
    const l = a.report.attacks[0];
    expect(l.status, l.reason).toBe('ok');
    const s = l.details.sampled as Record<string, unknown>;
    expect(s).toMatchObject({
      plan: 'blocked',
      bound: 3000,
      releaseRows: 4000,
      targets: 300,
      targetsOf: 4000,
    });
    const blockOn = s.blockOn as string[];
    expect(blockOn).toHaveLength(1);
    const counts = s.candidatesByBlocking as Record<string, number>;
    // the chosen blocking holds the most candidate rows within the bound
    const within = Object.values(counts).filter((n) => n > 0 && n <= 3000);
    expect(s.candidateRows).toBe(Math.max(...within));
    expect(counts[blockOn[0]]).toBe(s.candidateRows);
    expect(l.method).toMatch(/^APPROXIMATE: run on --engine duckdb on a blocked sample/);
    expect(l.warnings.join('\n')).toMatch(
      /APPROXIMATE: linkage ran on a blocked sample \(\d+ of 4000 release rows/,
    );
    const check = a.report.checks.find((c) => c.id === 'linkage.approximate');
    expect(check?.passed).toBe(false);
    expect(a.report.verdict).not.toBe('pass');
    expect(a.exitCode).not.toBe(0);
    // the same seed, the same sample and figures
    const b = await runOn('duckdb', blocked);
    sameDeep(l.metrics, b.report.attacks[0].metrics, 'metrics');
    expect(b.report.attacks[0].details.sampled).toEqual(s);
    // --option linkage.blockOn picks the blocking (a finer one than the chosen: it fits too)
    const finer = [blockOn[0], blockOn[0] === 'age' ? 'sex' : 'age'];
    const c = await runOn('duckdb', {
      ...blocked,
      option: [...blocked.option!, `linkage.blockOn=${finer.join(',')}`],
    });
    expect(c.report.attacks[0].details.sampled).toMatchObject({
      blockOn: finer,
      blockChosen: 'option',
    });
  });

  it('no blocking fits: linkage is skipped with the reason, failing closed', async () => {
    const r = await runOn('duckdb', { ...blocked, option: ['linkage.fetchRows=10'] });
    const l = r.report.attacks[0];
    expect(l.status).toBe('skipped');
    expect(l.reason).toMatch(
      /more than --option linkage\.fetchRows=10, and no blocking of the 300 targets fits/,
    );
    expect(r.report.verdict).toBe('fail');
  });

  it('membership is not approximated: skipped with the reason, failing closed', async () => {
    const r = await runOn('duckdb', {
      ...anonymeter,
      attacks: 'membership',
      option: ['membership.fetchRows=3999'],
    });
    const m = r.report.attacks[0];
    expect(m.status).toBe('skipped');
    expect(m.reason).toMatch(/4000 rows, more than --option membership\.fetchRows=3999/);
    expect(r.report.verdict).toBe('fail');
    expect(r.exitCode).toBe(1);
  });

  it('singling-out and inference are not approximated either: skipped with the reason, failing closed', async () => {
    const r = await runOn('duckdb', {
      ...anonymeterAnonymeter,
      option: ['singling-out.n=200', 'singling-out.fetchRows=3999', 'inference.fetchRows=3999'],
    });
    for (const a of r.report.attacks) {
      expect(a.status, a.id).toBe('skipped');
      expect(a.reason).toMatch(new RegExp(`4000 rows, more than --option ${a.id}\\.fetchRows=3999`));
    }
    expect(r.report.verdict).toBe('fail');
    expect(r.exitCode).toBe(1);
  });

  it('a bad bound is a usage error', async () => {
    await expect(runOn('duckdb', { ...blocked, option: ['linkage.fetchRows=0'] })).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});

describe('no raw record values', () => {
  it('complete and blocked runs on duckdb write no marker planted in the inputs', async () => {
    const dir = tmp('reidgate-candidates-noleak-');
    const table = (tag: string, shift: number) =>
      `zone,job,band\n${Array.from(
        { length: 300 },
        (_, i) => `Zq9${tag}z${(i + shift) % 150},Zq9${tag}j${(i + shift) % 7},${(i * 7 + shift) % 9}`,
      ).join('\n')}\n`;
    for (const [f, tag, shift] of [
      ['release.csv', 'R', 0],
      ['original.csv', 'R', 0],
      ['control.csv', 'C', 5],
    ] as const)
      writeFileSync(join(dir, f), table(tag, shift));
    const flags: RunFlags = {
      release: join(dir, 'release.csv'),
      original: join(dir, 'original.csv'),
      control: join(dir, 'control.csv'),
      aligned: true,
      qi: 'zone,job,band:numeric',
      attacks: 'linkage,membership',
      targets: '20',
      format: 'json,md,html',
    };
    for (const option of [[], ['linkage.fetchRows=250', 'linkage.methods=exact,probabilistic,distance']]) {
      const r = await runOn('duckdb', { ...flags, option });
      expect(r.report.attacks.find((a) => a.id === 'linkage')?.status).toBe('ok');
      for (const f of readdirSync(r.out)) {
        const text = readFileSync(join(r.out, f), 'utf8');
        expect(text.includes('Zq9'), `${f} contains a record value`).toBe(false);
      }
    }
  });
});

const missing = await clusterMissing();
if (missing) it.skip(`--engine clickhouse fetchRows tests: ${missing}`, () => {});

describe.skipIf(missing !== null)('on --engine clickhouse (two shards)', () => {
  it('under the bound: membership and linkage equal --engine local', async () => {
    await expectSame(
      { ...anonymeter, attacks: 'membership,linkage', option: ['membership.resamples=100'] },
      'clickhouse',
    );
  });

  it('under the bound: singling-out and inference equal --engine local', async () => {
    await expectSame(anonymeterAnonymeter, 'clickhouse');
  });

  it('above the bound: the blocked sample of --engine duckdb (same blocking, candidates and figures)', async () => {
    const flags: RunFlags = {
      ...anonymeter,
      attacks: 'linkage',
      option: ['linkage.fetchRows=3000', 'linkage.methods=exact,probabilistic,distance'],
    };
    const d = (await runOn('duckdb', flags)).report.attacks[0];
    const c = (await runOn('clickhouse', flags)).report.attacks[0];
    expect(c.status, c.reason).toBe('ok');
    sameDeep(d.metrics, c.metrics, 'metrics');
    sameDeep(d.details, c.details, 'details');
    expect(c.method).toBe(d.method!.replace('--engine duckdb', '--engine clickhouse'));
  });
});
