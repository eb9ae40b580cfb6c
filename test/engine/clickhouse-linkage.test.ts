/**
 * Exact compatible-set linkage on --engine clickhouse (compatibleSets on the two-shard loopback
 * cluster of scripts/clickhouse-cluster.sh) gives the numbers of --engine local: every metric (exact
 * for counts, 1e-9 for rates), the per-method figures and curves, and linkage-targets.csv byte for
 * byte (the attacker's seeded pick is the same record). The cases of linkage-cases.ts (as DuckDB:
 * the bundled Adult k=5 release row-aligned with the original, with and without ARX hierarchies; the
 * NIST k=6 release by --id with absent targets; --auxiliary with some QIs; edge cases of the relation:
 * missing values, wildcard tokens, intervals, coarse and masked dates, masks, unseen labels read as
 * generalizations, `2.0` = `2`); a release used in place (`clickhouse://`); --id key errors as the local path gives
 * them; an engine failure during linkage is verdict error, exit 3, with no record value in the
 * message. Skips, saying why, when no cluster answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ClickHouseServer } from '../../src/engine/clickhouse-http.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { tmp } from '../cli/helpers.js';
import { clusterMissing, sql, URLS } from './clickhouse-cluster.js';
import { expectSameLinkage, runLinkage, sameDeep } from './helpers.js';
import { linkageCases } from './linkage-cases.js';

const missing = await clusterMissing();

/** Writes a file into a fresh temporary folder and returns its path. */
function file(name: string, text: string): string {
  const p = join(tmp('reidgate-ch-linkage-'), name);
  writeFileSync(p, text);
  return p;
}

if (missing) it.skip(`--engine clickhouse linkage tests: ${missing}`, () => {});

if (!missing) linkageCases('clickhouse');

describe.skipIf(missing !== null)('exact linkage on clickhouse (two shards)', () => {
  it('tables used in place (clickhouse://, typed and Nullable columns, with and without reidgate_row)', async () => {
    const table = `default.rg_test_lk_${process.pid}`;
    const other = `default.rg_test_lko_${process.pid}`;
    const rows = [
      [0, 30, 'x', '2'],
      [1, 30, 'y', null],
      [2, 41, null, '3'],
      [3, 41, 'x', '3'],
      [4, 30, 'x', '2'],
      [5, 52, 'z', '3'],
    ];
    const csv = `a,b,c\n${rows.map((r) => `${r[1]},${r[2] ?? ''},${r[3] ?? ''}`).join('\n')}\n`;
    const tsv = (from: number) =>
      `${rows
        .map((r) =>
          r
            .slice(from)
            .map((v) => (v === null ? '\\N' : String(v)))
            .join('\t'),
        )
        .join('\n')}\n`;
    await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
    await sql(URLS[0], `DROP TABLE IF EXISTS ${other}`);
    await sql(
      URLS[0],
      `CREATE TABLE ${table} (reidgate_row UInt32, a Int32, b Nullable(String), c Nullable(String)) ENGINE = MergeTree ORDER BY reidgate_row`,
    );
    // Without reidgate_row: rows in the order one thread reads the table (one part, insertion order).
    await sql(
      URLS[0],
      `CREATE TABLE ${other} (a Int32, b Nullable(String), c Nullable(String)) ENGINE = MergeTree ORDER BY tuple()`,
    );
    try {
      await sql(URLS[0], `INSERT INTO ${table} FORMAT TabSeparated`, tsv(0));
      await sql(URLS[0], `INSERT INTO ${other} FORMAT TabSeparated`, tsv(1));
      const original = file('original.csv', 'a,b,c\n30,x,2\n30,y,\n41,,3\n41,x,3\n30,x,2\n52,z,3\n');
      const flags = { original, aligned: true, qi: 'a,b,c' };
      const { local } = await expectSameLinkage(
        undefined,
        { ...flags, release: file('release.csv', csv) },
        'clickhouse',
      );
      const host = new URL(URLS[0]).host;
      const inPlace = await runLinkage('clickhouse', undefined, {
        ...flags,
        release: `clickhouse://${host}/${table}`,
      });
      sameDeep(local.report.attacks[0].metrics, inPlace.report.attacks[0].metrics, 'metrics');
      expect(inPlace.targets).toBe(local.targets);
      // Both in place, the targets' table without reidgate_row; and by --id on a typed key.
      const both = await runLinkage('clickhouse', undefined, {
        ...flags,
        release: `clickhouse://${host}/${table}`,
        original: `clickhouse://${host}/${other}`,
      });
      sameDeep(local.report.attacks[0].metrics, both.report.attacks[0].metrics, 'metrics');
      expect(both.targets).toBe(local.targets);
      // By --id on the table's typed key (UInt32 `reidgate_row`, read as text `3`), one target absent.
      const idFlags = {
        qi: 'a,b,c',
        id: 'reidgate_row',
        original: file('o.csv', 'reidgate_row,a,b,c\n5,52,z,3\n3,41,x,3\n9,30,y,\n0,30,x,2\n2,41,,3\n'),
      };
      const releaseCsv = `reidgate_row,${csv.split('\n')[0]}\n${rows.map((r) => r.map((v) => v ?? '').join(',')).join('\n')}\n`;
      const localById = await runLinkage('local', undefined, {
        ...idFlags,
        release: file('r.csv', releaseCsv),
      });
      const byId = await runLinkage('clickhouse', undefined, {
        ...idFlags,
        release: `clickhouse://${host}/${table}`,
      });
      sameDeep(localById.report.attacks[0].metrics, byId.report.attacks[0].metrics, 'metrics by --id');
      expect(byId.targets).toBe(localById.targets);
      expect(byId.report.attacks[0].metrics.journalistTargets.value).toBe(5);
    } finally {
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      await sql(URLS[0], `DROP TABLE IF EXISTS ${other}`);
    }
  });
});

describe.skipIf(missing !== null)('linkage inputs and faults on clickhouse', () => {
  it('--id keys missing or repeated: the local path’s input error (exit 2)', async () => {
    const original = file('original.csv', 'id,a\n1,x\n2,y\n3,x\n');
    for (const [release, message] of [
      ['id,a\n1,x\n2,y\n1,x\n', /rows 1 and 3 of the release share a key/],
      ['id,a\n1,x\n,y\n2,x\n2,y\n', /row 2 of the release has no key/],
    ] as const) {
      for (const engine of ['local', 'clickhouse'] as const) {
        const trial = resolveTrial(undefined, {
          release: file('release.csv', release),
          original,
          id: 'id',
          qi: 'a',
          engine,
          attacks: 'linkage',
          option: ['linkage.methods=exact'],
          format: 'json',
          workers: '1',
          out: tmp('reidgate-ch-linkage-id-'),
        });
        await expect(runTrial(trial)).rejects.toMatchObject({
          code: 'INPUT_PARSE',
          message: expect.stringMatching(message),
        });
      }
    }
  });

  it('a server failure during linkage: attack error, verdict error, exit 3, no values in the message', async () => {
    const release = file('release.csv', 'a,b\nSECRETVALUE1,x\nSECRETVALUE2,y\nSECRETVALUE1,y\n');
    const real = ClickHouseServer.prototype.exec;
    const spy = vi.spyOn(ClickHouseServer.prototype, 'exec').mockImplementation(async function (
      this: ClickHouseServer,
      sqlText: string,
      doing: string,
      extra?: Record<string, string>,
    ) {
      // The candidates' query fails as a server would (here: a query that cannot parse).
      if (/lkx/.test(sqlText) && /^CREATE/.test(sqlText))
        return real.call(this, `${sqlText} 'SECRETVALUE1' BROKEN`, doing, extra);
      return real.call(this, sqlText, doing, extra);
    });
    try {
      const trial = resolveTrial(undefined, {
        release,
        original: release,
        aligned: true,
        qi: 'a,b',
        engine: 'clickhouse',
        attacks: 'linkage',
        option: ['linkage.methods=exact'],
        format: 'json',
        workers: '1',
        out: tmp('reidgate-ch-linkage-fault-'),
      });
      const { report, exitCode } = await runTrial(trial);
      expect(exitCode).toBe(3);
      expect(report.verdict).toBe('error');
      expect(report.attacks[0].status).toBe('error');
      expect(report.attacks[0].reason).toMatch(
        /^--engine clickhouse \([^)]*\): failed while linking --original/,
      );
      expect(JSON.stringify(report)).not.toMatch(/SECRETVALUE/);
    } finally {
      spy.mockRestore();
    }
  });
});
