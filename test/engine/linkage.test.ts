/**
 * Exact compatible-set linkage on --engine local and --engine duckdb gives the same numbers
 * (linkage-cases.ts): every metric (exact for counts, 1e-9 for rates), the per-method figures and curves, the compatible-set
 * size distribution, and linkage-targets.csv byte for byte (so the attacker's seeded pick is the same
 * record on both engines). Cases: the bundled Adult k=5 release (with and without ARX hierarchies),
 * the NIST k=6 release by --id, and edge cases of the relation (missing values, wildcards, intervals,
 * coarse and masked dates, masks, unseen labels, `2.0` = `2`, absent targets, no ground truth). Also:
 * other methods on duckdb are a skip that fails closed, and an engine out of memory is exit 3.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import type { CompatibleSetsQuery } from '../../src/engine/types.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { tmp } from '../cli/helpers.js';
import { linkageCases } from './linkage-cases.js';

const EXACT = ['linkage.methods=exact'];

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-engine-linkage-'), name);
  writeFileSync(p, text);
  return p;
}

linkageCases('duckdb');

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
