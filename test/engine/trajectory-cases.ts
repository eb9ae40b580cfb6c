/**
 * @module test/engine/trajectory-cases — the cases of the trajectory attack every SQL engine must
 * answer as the local engine does (expectSameAttacks: metrics, details, tables, warnings, method
 * notes, verdict, exact for counts and 1e-9 for rates): the bundled weak and strong cohorts without
 * demographics (as de Montjoye et al.) and with them (k ≤ 3), declared date shifts (windows of several
 * days, windows clipped to 400 periods), event files in reversed row order, and a release-only trial
 * (release patients as targets, with and without demographics). Used by relational-duckdb.test.ts
 * and clickhouse-relational.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import YAML from 'yaml';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { ROOT, tmp } from '../cli/helpers.js';
import { eventsOf, miniCopy } from '../relational/helpers.js';
import { expectSameAttacks } from './helpers.js';

const TRIALS = join(ROOT, 'datasets/trials');

/** A copy of a bundled cohort trial with its paths made absolute and `edit` applied to its events. */
function cohortCopy(name: string, edit: (events: Array<Record<string, unknown>>) => void): string {
  const trial = YAML.parse(readFileSync(join(TRIALS, `${name}.yaml`), 'utf8')) as Record<string, unknown>;
  for (const k of ['release', 'original'] as const) trial[k] = resolve(TRIALS, String(trial[k]));
  for (const e of eventsOf(trial)) {
    for (const k of ['release', 'original'] as const) if (e[k]) e[k] = resolve(TRIALS, String(e[k]));
  }
  edit(eventsOf(trial));
  const path = join(tmp('reidgate-trajectory-'), 'trial.yaml');
  writeFileSync(path, YAML.stringify(trial));
  return path;
}

/** Defines the cases (`it`s, for a describe block) for `engine`, each compared with the local engine. */
export function trajectoryCases(engine: 'duckdb' | 'clickhouse'): void {
  const same = async (path: string, flags: { attacks: string; option?: string[] }) =>
    (await expectSameAttacks(path, flags, 'bytes', engine)).duckdb.report.attacks.find(
      (x) => x.id === 'trajectory',
    )!;

  for (const name of ['cohort-weak', 'cohort-strong']) {
    it(`${name} (no demographics, as de Montjoye et al.)`, async () => {
      const a = await same(join(TRIALS, `${name}.yaml`), { attacks: 'trajectory,uniqueness' });
      expect(a.metrics.targets.value).toBe(5000);
      expect(a.details.mode).toBe('original');
      expect(a.details.releasePoints).toBeGreaterThan(0);
      // Not vacuous: known dated events single out targets, more of them as k grows.
      const [k1, max] = [a.metrics.uniqueShareK1.value, a.metrics.uniqueShareMax.value] as number[];
      expect(max).toBeGreaterThan(0);
      expect(max).toBeGreaterThan(k1);
    });

    it(`${name} with demographics, k up to 3`, async () => {
      const a = await same(join(TRIALS, `${name}.yaml`), {
        attacks: 'trajectory,uniqueness',
        option: ['trajectory.qi=true', 'trajectory.k=3'],
      });
      expect((a.details.knownQi as string[]).length).toBeGreaterThan(0);
    });
  }

  it('declared date shifts: windows of several days, and windows clipped to 400 periods', async () => {
    const path = cohortCopy('cohort-weak', (events) => {
      events[0].dateShift = 3;
      events[1].dateShift = 500;
    });
    const a = await same(path, {
      attacks: 'trajectory,uniqueness',
      option: ['trajectory.tables=diagnoses,prescriptions'],
    });
    expect(a.method).toMatch(/shift ≤ 3 days/);
    expect(a.warnings.join(' ')).toMatch(/clipped to the first 400/);
  });

  it("the known events depend on neither the event files' row order nor the code numbering", async () => {
    const dir = tmp('reidgate-trajectory-reversed-');
    const reversed = (file: string, tag: string) => {
      const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
      const out = join(dir, `${tag}-${file.split('/').pop()}`);
      writeFileSync(out, `${[head, ...rows.reverse()].join('\n')}\n`);
      return out;
    };
    const path = cohortCopy('cohort-weak', (events) => {
      for (const e of events.slice(0, 2)) {
        e.release = reversed(String(e.release), 'release');
        e.original = reversed(String(e.original), 'original');
      }
    });
    const flags = { attacks: 'trajectory,uniqueness' };
    const { local } = await expectSameAttacks(path, flags, 'bytes', engine);
    const { report } = await runTrial(
      resolveTrial(join(TRIALS, 'cohort-weak.yaml'), {
        workers: '2',
        format: 'json',
        ...flags,
        engine: 'local',
        out: tmp('reidgate-trajectory-local-'),
      }),
    );
    const [a, b] = [local.report.attacks[0], report.attacks[0]];
    expect(a.id).toBe('trajectory');
    expect(a.metrics).toEqual(b.metrics);
    expect(a.tables).toEqual(b.tables);
  });

  it('release-only (no original event tables): release patients as targets', async () => {
    const { path } = miniCopy({}, (t) => {
      for (const e of eventsOf(t)) delete e.original;
    });
    const a = await same(path, { attacks: 'trajectory,uniqueness' });
    expect(a.details.mode).toBe('release');
    await same(path, { attacks: 'trajectory,uniqueness', option: ['trajectory.qi=true'] });
  });
}
