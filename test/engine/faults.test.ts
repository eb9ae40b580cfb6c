/**
 * Faults on --engine duckdb: a missing file or table, unparseable input, an unsupported format, bad
 * flags, and a query beyond the memory limit. Each gives one line on stderr, exit 2 (input) or 3
 * (engine), and never a passing report: an earlier run's outputs are removed and nothing new is
 * written when the inputs cannot be loaded.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { addInput } from '../../src/engine/duckdb-load.js';
import { isReidgateError, ReidgateError } from '../../src/errors.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';

const dir = tmp('reidgate-engine-faults-');
const ok = join(dir, 'ok.csv');
const big = join(dir, 'big.csv');

beforeAll(async () => {
  writeFileSync(ok, 'a,b\n1,2\n1,2\n3,4\n');
  // 300,000 rows: DuckDB's CSV reader needs a ~30 MiB buffer, more than a 16MB limit allows.
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT i % 1000 AS a, i AS b, i * 7 % 1013 AS c FROM range(300000) t(i)) TO '${big}' (HEADER, DELIMITER ',')`,
  );
  await conn.run(
    `ATTACH '${join(dir, 'data.duckdb')}' AS d; CREATE TABLE d.rel AS SELECT * FROM read_csv('${ok}'); CREATE TABLE d.other AS SELECT 1 AS x; DETACH d`,
  );
  conn.closeSync();
  db.closeSync();
});

/** Runs the CLI on duckdb into a folder holding a stale passing report; checks the failure's shape. */
function failing(args: string[], code: 2 | 3): string {
  const out = tmp('reidgate-engine-fault-out-');
  writeFileSync(join(out, 'report.json'), '{"verdict":"pass"}');
  writeFileSync(join(out, 'record-risk.csv'), 'row,classSize\n');
  const r = cli(['run', '--engine', 'duckdb', '--attacks', 'uniqueness', '--out', out, ...args]);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^reidgate: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(out, 'report.json'))).toBe(false);
  expect(existsSync(join(out, 'record-risk.csv'))).toBe(false);
  return r.stderr;
}

describe('--engine duckdb faults (CLI)', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  });

  it('a missing file: exit 2, the file named', () => {
    expect(failing(['--release', join(dir, 'nope.csv'), '--qi', 'a'], 2)).toMatch(
      /nope\.csv: file not found/,
    );
  });

  it('a missing table in a DuckDB file: exit 2, the tables listed', () => {
    const err = failing(['--release', `${join(dir, 'data.duckdb')}#gone`, '--qi', 'a'], 2);
    expect(err).toMatch(/no table `gone` \(tables: other, rel\)/);
  });

  it('a DuckDB file with several tables and none named: exit 2', () => {
    expect(failing(['--release', join(dir, 'data.duckdb'), '--qi', 'a'], 2)).toMatch(/FILE#TABLE/);
  });

  it('a ragged CSV: exit 2, the reason but not the record', () => {
    const p = join(dir, 'ragged.csv');
    writeFileSync(p, 'a,b\n1,2\nSECRET-MARKER\n');
    const err = failing(['--release', p, '--qi', 'a'], 2);
    expect(err).toMatch(/Expected Number of Columns: 2 Found: 1/);
    expect(err).not.toMatch(/SECRET-MARKER/);
  });

  it('invalid UTF-8: exit 2', () => {
    const p = join(dir, 'latin1.csv');
    writeFileSync(p, Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]));
    expect(failing(['--release', p, '--qi', 'a'], 2)).toMatch(/latin1\.csv/);
  });

  it('a column not in the release: exit 2', () => {
    expect(failing(['--release', ok, '--qi', 'a,zz'], 2)).toMatch(/--qi: column `zz` not in release/);
  });

  it('a header-only CSV: exit 2', () => {
    const p = join(dir, 'header.csv');
    writeFileSync(p, 'a,b\n');
    expect(failing(['--release', p, '--qi', 'a'], 2)).toMatch(/no records/);
  });

  it('Arrow IPC is not read on this engine: exit 2', () => {
    const p = join(dir, 'x.arrow');
    writeFileSync(p, readFileSync(ok));
    expect(failing(['--release', p, '--qi', 'a'], 2)).toMatch(/convert Arrow IPC to Parquet/);
  });

  it('a file named .parquet that is not Parquet: exit 2', () => {
    const p = join(dir, 'x.parquet');
    writeFileSync(p, readFileSync(ok));
    expect(failing(['--release', p, '--qi', 'a'], 2)).toMatch(/not a Parquet file/);
  });

  it('a malformed --memory-limit, or one without duckdb, or an unknown engine: exit 2', () => {
    // Flag errors stop before the run starts (as for every flag): exit 2, one line.
    const l = cli([
      'run',
      '--engine',
      'duckdb',
      '--release',
      ok,
      '--qi',
      'a',
      '--memory-limit',
      'lots',
      '--out',
      tmp(),
    ]);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/--memory-limit `lots`: give a size such as 2GB/);
    const r = cli(['run', '--release', ok, '--qi', 'a', '--memory-limit', '1GB', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/applies to --engine duckdb or clickhouse only/);
    const u = cli(['run', '--release', ok, '--qi', 'a', '--engine', 'spark', '--out', tmp()]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--engine `spark`: unknown engine \(engines: local, duckdb, clickhouse\)/);
  });

  it('loading beyond the memory limit: exit 3, out of memory named, nothing written', () => {
    const err = failing(['--release', big, '--qi', 'a,b,c', '--memory-limit', '16MB', '--workers', '1'], 3);
    expect(err).toMatch(/out of memory under --memory-limit 16MB while loading --release/);
  });
});

describe('a query beyond the memory limit (engine level)', () => {
  let engine: DuckDbEngine;
  afterAll(async () => engine?.close());

  it('throws ReidgateError ENGINE (the run records the attack as an error: exit 3)', async () => {
    engine = await DuckDbEngine.open({ threads: 1, wildcard: [] });
    await addInput(engine, 'release', big, {});
    await engine.conn.run("SET memory_limit = '1MB'");
    const e = await engine
      .classSizes({ role: 'release', columns: ['a', 'b', 'c'], perRecord: true })
      .catch((x) => x);
    expect(isReidgateError(e)).toBe(true);
    expect(e.code).toBe('ENGINE');
    expect(e.message).toMatch(/^--engine duckdb: (out of memory|failed) while /);
    expect(e.message).not.toMatch(/\n/);
  });

  it('close removes the temporary database and spill folder', async () => {
    const e = await DuckDbEngine.open({ threads: 1, wildcard: [], memoryLimit: '64MB' });
    const where = (e as unknown as { dir: string }).dir;
    expect(existsSync(where)).toBe(true);
    await e.close();
    await e.close();
    expect(existsSync(where)).toBe(false);
  });
});

describe('an engine failure during an attack (run level)', () => {
  it('records the attack as an error: verdict error, exit 3, no record-risk.csv', async () => {
    const spy = vi
      .spyOn(DuckDbEngine.prototype, 'classSizes')
      .mockRejectedValue(new ReidgateError('ENGINE', '--engine duckdb: out of memory while grouping'));
    try {
      const out = tmp('reidgate-engine-fault-run-');
      const trial = resolveTrial(undefined, {
        release: ok,
        qi: 'a,b',
        engine: 'duckdb',
        attacks: 'uniqueness',
        out,
        workers: '1',
      });
      const { report, exitCode } = await runTrial(trial);
      expect(exitCode).toBe(3);
      expect(report.verdict).toBe('error');
      expect(report.attacks[0].status).toBe('error');
      expect(report.attacks[0].reason).toMatch(/out of memory/);
      expect(existsSync(join(out, 'record-risk.csv'))).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the pushed-down population and diversity queries beyond the memory limit', () => {
  it('classWeights and classValueCounts throw ReidgateError ENGINE (engine level)', async () => {
    const e = await DuckDbEngine.open({ threads: 1, wildcard: [] });
    try {
      await addInput(e, 'release', big, {});
      await e.conn.run("SET memory_limit = '1MB'");
      const errors = [
        await e
          .classWeights({ role: 'release', columns: ['a', 'b', 'c'], weights: 'c', perRecord: true })
          .catch((x) => x),
        await e
          .classValueCounts({ role: 'release', columns: ['a', 'b'], value: 'c', perRecord: true })
          .catch((x) => x),
      ];
      for (const x of errors) {
        expect(isReidgateError(x), String(x)).toBe(true);
        expect(x.code).toBe('ENGINE');
        expect(x.message).toMatch(/^--engine duckdb: (out of memory|failed) while /);
        expect(x.message).not.toMatch(/\n/);
      }
    } finally {
      await e.close();
    }
  });

  it('a run whose new queries run out of memory: verdict error, exit 3, no record-risk.csv', async () => {
    // The limit drops to 1MB once the release is loaded, just before each pushed-down query.
    const squeeze = <K extends 'classWeights' | 'classValueCounts'>(op: K) => {
      const real = DuckDbEngine.prototype[op] as (this: DuckDbEngine, q: unknown) => Promise<unknown>;
      return vi.spyOn(DuckDbEngine.prototype, op).mockImplementation(async function (
        this: DuckDbEngine,
        q: unknown,
      ) {
        await this.conn.run("SET memory_limit = '1MB'");
        return real.call(this, q);
      } as never);
    };
    const spies = [squeeze('classWeights'), squeeze('classValueCounts')];
    try {
      const out = tmp('reidgate-engine-fault-pushdown-');
      writeFileSync(join(out, 'report.json'), '{"verdict":"pass"}');
      writeFileSync(join(out, 'record-risk.csv'), 'row,classSize\n');
      const trial = resolveTrial(undefined, {
        release: big,
        qi: 'a,b',
        sensitive: 'c',
        population: '1000000',
        engine: 'duckdb',
        attacks: 'population,diversity',
        out,
        workers: '1',
      });
      const { report, exitCode } = await runTrial(trial);
      expect(exitCode).toBe(3);
      expect(report.verdict).toBe('error');
      for (const a of report.attacks) {
        expect(a.status).toBe('error');
        expect(a.reason).toMatch(/--engine duckdb: (out of memory|failed) while /);
      }
      expect(existsSync(join(out, 'record-risk.csv'))).toBe(false);
      expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).verdict).toBe('error');
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
