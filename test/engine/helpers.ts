/**
 * @module test/engine/helpers — run one trial on the local engine and on DuckDB or ClickHouse, and compare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { runTrial } from '../../src/run/run-trial.js';
import { type RunFlags, resolveTrial } from '../../src/trial/resolve.js';
import { tmp } from '../cli/helpers.js';

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
  return { report, exitCode, recordRisk: readFileSync(join(out, 'record-risk.csv'), 'utf8') };
}

/** Asserts two numbers agree: exactly for integers, within 1e-9 for rates. */
function same(a: number, b: number, what: string): void {
  if (Number.isInteger(a) && Number.isInteger(b)) expect(b, what).toBe(a);
  else expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9);
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
