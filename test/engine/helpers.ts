/**
 * @module test/engine/helpers — run one trial on the local engine and on DuckDB or ClickHouse, and compare.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { runTrial } from '../../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';

export interface EngineRun {
  report: Report;
  exitCode: number;
  recordRisk: string;
}

/** Runs a trial (file and flags, as the CLI takes them) on `engine`. */
export async function runOn(
  engine: 'local' | 'duckdb' | 'clickhouse',
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<EngineRun> {
  const out = tmp(`reidgate-engine-${engine}-`);
  const trial = resolveTrial(trialPath, { workers: '2', format: 'json', ...flags, engine, out });
  const { report, exitCode } = await runTrial(trial);
  const csv = join(out, 'record-risk.csv');
  return { report, exitCode, recordRisk: existsSync(csv) ? readFileSync(csv, 'utf8') : '' };
}

/** Asserts two numbers agree: exactly for integers, within 1e-9 for rates. */
function same(a: number, b: number, what: string): void {
  if ((Number.isInteger(a) && Number.isInteger(b)) || (Number.isNaN(a) && Number.isNaN(b)))
    expect(b, what).toBe(a);
  else expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9);
}

/** Asserts two report values agree: numbers as `same`, everything else deeply, key by key. */
export function sameDeep(a: unknown, b: unknown, what: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    same(a, b, what);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${what}: length`).toBe(a.length);
    for (const [i, x] of a.entries()) sameDeep(x, b[i], `${what}[${i}]`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), `${what}: keys`).toEqual(Object.keys(a).sort());
    for (const [k, v] of Object.entries(a)) sameDeep(v, (b as Record<string, unknown>)[k], `${what}.${k}`);
    return;
  }
  expect(b, what).toEqual(a);
}

/**
 * Runs the trial (`flags.attacks`) on the local engine and on `engine` (the result's `duckdb` field
 * holds that run whichever engine it is) and asserts every attack's figures agree (exact
 * for counts, 1e-9 for rates: metrics, details, histograms, tables), the same warnings and method
 * notes, the same verdict, and record-risk.csv byte for byte, or with `csv: 'close'` cell by cell
 * within 1e-9 (sums of weights add in a different order on each engine).
 */
export async function expectSameAttacks(
  trialPath: string | undefined,
  flags: RunFlags,
  csv: 'bytes' | 'close' = 'bytes',
  engine: 'duckdb' | 'clickhouse' = 'duckdb',
): Promise<{ local: EngineRun; duckdb: EngineRun }> {
  const local = await runOn('local', trialPath, flags);
  const duckdb = await runOn(engine, trialPath, flags);
  expect(duckdb.report.trial.engine).toBe(engine);
  expect(duckdb.report.attacks.map((x) => x.id)).toEqual(local.report.attacks.map((x) => x.id));
  for (const [i, a] of local.report.attacks.entries()) {
    const b = duckdb.report.attacks[i];
    expect(a.status, `${a.id} (local): ${a.reason}`).toBe('ok');
    expect(b.status, `${b.id} (${engine}): ${b.reason}`).toBe('ok');
    sameDeep(a.metrics, b.metrics, `${a.id}.metrics`);
    sameDeep(a.details, b.details, `${a.id}.details`);
    sameDeep(a.histograms, b.histograms, `${a.id}.histograms`);
    sameDeep(a.tables, b.tables, `${a.id}.tables`);
    expect(b.warnings, `${a.id}.warnings`).toEqual(a.warnings);
    expect(b.method, `${a.id}.method`).toBe(a.method);
  }
  expect(duckdb.report.verdict).toBe(local.report.verdict);
  expect(duckdb.exitCode).toBe(local.exitCode);
  if (csv === 'bytes') expect(duckdb.recordRisk).toBe(local.recordRisk);
  else {
    const rows = (t: string) =>
      t
        .trim()
        .split('\n')
        .map((l) => l.split(','));
    const [ra, rb] = [rows(local.recordRisk), rows(duckdb.recordRisk)];
    expect(rb[0]).toEqual(ra[0]);
    expect(rb.length).toBe(ra.length);
    for (let i = 1; i < ra.length; i++)
      for (const [j, x] of ra[i].entries())
        same(Number(x), Number(rb[i][j]), `record-risk.csv row ${i} ${ra[0][j]}`);
  }
  return { local, duckdb };
}

/**
 * Runs the trial on the local engine and on `engine` and asserts identical uniqueness figures: every
 * metric, histogram, table, detail and warning, the verdict, and record-risk.csv byte for byte.
 * @returns the two runs (for further checks)
 */
export async function expectSameAsLocal(
  engine: 'duckdb' | 'clickhouse',
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<{ local: EngineRun; other: EngineRun }> {
  const local = await runOn('local', trialPath, { attacks: 'uniqueness', ...flags });
  const other = await runOn(engine, trialPath, { attacks: 'uniqueness', ...flags });
  expect(local.report.trial.engine).toBe('local');
  expect(other.report.trial.engine).toBe(engine);
  const [a] = local.report.attacks;
  const [b] = other.report.attacks;
  expect(a.status, a.reason).toBe('ok');
  expect(b.status, b.reason).toBe('ok');
  expect(Object.keys(b.metrics).sort()).toEqual(Object.keys(a.metrics).sort());
  for (const [k, m] of Object.entries(a.metrics)) same(m.value, b.metrics[k].value, k);
  expect(b.histograms).toEqual(a.histograms);
  expect(b.tables).toEqual(a.tables);
  expect(b.details).toEqual(a.details);
  expect(b.warnings).toEqual(a.warnings);
  expect(b.method).toBe(a.method);
  expect(other.report.verdict).toBe(local.report.verdict);
  expect(other.exitCode).toBe(local.exitCode);
  expect(other.report.inputs.release.rows).toBe(local.report.inputs.release.rows);
  expect(other.report.inputs.release.columns).toEqual(local.report.inputs.release.columns);
  expect(other.report.inputs.release.sha256).toBe(local.report.inputs.release.sha256);
  expect(other.recordRisk).toBe(local.recordRisk);
  return { local, other };
}

/** `expectSameAsLocal` on DuckDB. */
export async function expectSameOnBothEngines(
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<{ local: EngineRun; duckdb: EngineRun }> {
  const { local, other } = await expectSameAsLocal('duckdb', trialPath, flags);
  return { local, duckdb: other };
}

/** Writes a file into a fresh temporary folder and returns its path. */
export function dataFile(name: string, text: string | Buffer): string {
  const p = join(tmp('reidgate-engine-data-'), name);
  writeFileSync(p, text);
  return p;
}

/** The bundled Adult release with a weights column `w` computed from the row number, as a new file. */
export function adultWithWeights(weight: (i: number) => string): string {
  const lines = readFileSync(join(ROOT, 'datasets/adult/adult.csv'), 'utf8').trim().split(/\r?\n/);
  return dataFile(
    'adult-w.csv',
    `${lines.map((l, i) => (i === 0 ? `${l};w` : `${l};${weight(i - 1)}`)).join('\n')}\n`,
  );
}

/**
 * Edge cases of population and diversity: missing values in QIs (`b`) and sensitive attributes (`s`,
 * `n`), numbers written differently (`3`, `3.0`, `1e1`, ` 2`, `2.0`), a range and text in a numeric
 * column, weights (`w`) summing to 30.
 */
export const EDGE_CSV = [
  'a,b,s,n,w',
  '1,x,red,3,2',
  '1,x,red,3.0,2',
  '1,x,,abc,2.5',
  '1,,blue,30-39,1',
  '1,NA,blue,,1',
  '2,y,red,5,4',
  '2,y,green,4,4',
  '2,y,NA,5,3',
  ' 2,y,red,1e1,1.5',
  '2.0,y,red,-2,1',
  '3,z,blue,7,8',
].join('\n');

export interface LinkageRun {
  report: Report;
  exitCode: number;
  /** linkage-targets.csv */
  targets: string;
}

/** Runs exact linkage (`--attacks linkage --option linkage.methods=exact`) on `engine`. */
export async function runLinkage(
  engine: 'local' | 'duckdb' | 'clickhouse',
  trialPath: string | undefined,
  flags: RunFlags,
): Promise<LinkageRun> {
  const out = tmp(`reidgate-engine-linkage-${engine}-`);
  const trial = resolveTrial(trialPath, {
    workers: '2',
    format: 'json',
    attacks: 'linkage',
    option: ['linkage.methods=exact'],
    ...flags,
    engine,
    out,
  });
  const { report, exitCode } = await runTrial(trial);
  const a = report.attacks[0];
  expect(a.status, a.reason).toBe('ok');
  return { report, exitCode, targets: readFileSync(join(out, 'linkage-targets.csv'), 'utf8') };
}

/** Per-method details without the figures that describe how an engine found the sets. */
function linkageMethods(r: LinkageRun): Record<string, Record<string, unknown>> {
  const m = r.report.attacks[0].details.methods as Record<string, Record<string, unknown>>;
  const engineOnly = ['blockingQis', 'expectedBucketSize', 'fullScans', 'candidatePairs', 'compatiblePairs'];
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries(v).filter(([key]) => !engineOnly.includes(key))),
    ]),
  );
}

/**
 * Runs exact linkage on the local engine and on `engine` and asserts the same numbers: every metric
 * (exact for counts, 1e-9 for rates), the per-method figures and curves (without the figures of how
 * an engine found the sets), tables, histograms, series, warnings, verdict, exit code, and
 * linkage-targets.csv byte for byte (so the attacker's seeded pick is the same record).
 */
export async function expectSameLinkage(
  trialPath: string | undefined,
  flags: RunFlags,
  engine: 'duckdb' | 'clickhouse',
): Promise<{ local: LinkageRun; other: LinkageRun }> {
  const local = await runLinkage('local', trialPath, flags);
  const other = await runLinkage(engine, trialPath, flags);
  const [a] = local.report.attacks;
  const [b] = other.report.attacks;
  expect(Object.keys(b.metrics).sort()).toEqual(Object.keys(a.metrics).sort());
  for (const [k, m] of Object.entries(a.metrics)) same(m.value, b.metrics[k].value, k);
  expect(linkageMethods(other)).toEqual(linkageMethods(local));
  expect(b.tables).toEqual(a.tables);
  expect(b.histograms).toEqual(a.histograms);
  expect(b.series).toEqual(a.series);
  expect(b.method).toBe(a.method);
  const fullScan = (w: string) => !/compared .* with every release row/.test(w);
  expect(b.warnings.filter(fullScan)).toEqual(a.warnings.filter(fullScan));
  expect(other.targets).toBe(local.targets);
  expect(other.report.verdict).toBe(local.report.verdict);
  expect(other.exitCode).toBe(local.exitCode);
  expect(other.report.trial.engine).toBe(engine);
  return { local, other };
}
