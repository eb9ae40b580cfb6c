/**
 * Faults on --engine clickhouse: an unreachable server, a malformed URL, wrong credentials, a missing
 * table, a query beyond max_memory_usage, and a shard that goes away during a run. Each gives one
 * line on stderr (or an `error` attack), exit 2 (usage, input) or 3 (engine), never a passing report,
 * nothing half-written that claims a result; and the credentials never reach a message, a report, the
 * manifest or a log. Tests that need the cluster skip, saying why, when none answers; the shard test
 * starts its own two-shard cluster on other ports (and skips when clickhouse-server is not installed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseEngine } from '../../src/engine/clickhouse.js';
import { ClickHouseServer, clickhouseCredentials, parseServerUrl } from '../../src/engine/clickhouse-http.js';
import { loadFile } from '../../src/engine/clickhouse-load.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { isReidgateError } from '../../src/errors.js';
import { runTrial } from '../../src/run/run-trial.js';
import { resolveTrial } from '../../src/trial/resolve.js';
import { BIN, ROOT, tmp } from '../cli/helpers.js';
import { clusterMissing, SCRIPT, serverInstalled, sql, URLS } from './clickhouse-cluster.js';

const dir = tmp('reidgate-ch-faults-');
const ok = join(dir, 'ok.csv');
const big = join(dir, 'big.csv');
const USER = process.env.REIDGATE_CLICKHOUSE_USER!;
const PASSWORD = process.env.REIDGATE_CLICKHOUSE_PASSWORD!;
const missing = await clusterMissing();

beforeAll(() => {
  writeFileSync(ok, 'a,b\n1,2\n1,2\n3,4\n');
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i % 1000},${i},${(i * 7) % 1013}`);
  writeFileSync(big, `a,b,c\n${rows.join('\n')}\n`);
});

/** Runs the CLI with `env` added to the environment. */
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI on clickhouse into a folder holding a stale passing report; checks the failure's shape. */
function failing(args: string[], code: 2 | 3, env: Record<string, string> = {}): string {
  const out = tmp('reidgate-ch-fault-out-');
  writeFileSync(join(out, 'report.json'), '{"verdict":"pass"}');
  writeFileSync(join(out, 'record-risk.csv'), 'row,classSize\n');
  const r = cli(['run', '--engine', 'clickhouse', '--attacks', 'uniqueness', '--out', out, ...args], env);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^reidgate: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(out, 'report.json'))).toBe(false);
  expect(existsSync(join(out, 'record-risk.csv'))).toBe(false);
  return r.stderr;
}

describe('--engine clickhouse faults without a cluster', () => {
  it('an unreachable server: exit 3, the server named', () => {
    const err = failing(['--release', ok, '--qi', 'a', '--clickhouse-url', 'http://127.0.0.1:18999'], 3);
    expect(err).toMatch(
      /--engine clickhouse \(127\.0\.0\.1:18999\): cannot reach the server while connecting \(ECONNREFUSED\)/,
    );
  });

  it('a malformed URL, credentials in the URL, ClickHouse flags without the engine: exit 2', () => {
    expect(failing(['--release', ok, '--qi', 'a', '--clickhouse-url', 'not a url'], 2)).toMatch(
      /is not a URL/,
    );
    const leak = failing(
      ['--release', ok, '--qi', 'a', '--clickhouse-url', 'http://u:PW-IN-URL@127.0.0.1:18123'],
      2,
    );
    expect(leak).toMatch(/not in the URL/);
    expect(leak).not.toMatch(/PW-IN-URL/);
    const r = cli(['run', '--release', ok, '--qi', 'a', '--clickhouse-url', URLS[0], '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--clickhouse-url: applies to --engine clickhouse only/);
    const t = cli([
      'run',
      '--release',
      'clickhouse://127.0.0.1:18123/default.x',
      '--qi',
      'a',
      '--out',
      tmp(),
    ]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/a ClickHouse table needs --engine clickhouse/);
  });

  it('a credentials file: read as YAML or JSON; an unreadable or malformed one is a usage error that quotes nothing', () => {
    const y = join(dir, 'ch.yaml');
    writeFileSync(y, 'user: alice\npassword: "p: w"\n');
    expect(clickhouseCredentials(y)).toEqual({ user: 'alice', password: 'p: w' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'user: [alice\npassword: LEAKED-PW\n');
    const e = (() => {
      try {
        clickhouseCredentials(bad);
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e?.message).toMatch(/not YAML or JSON|give `user`/);
    expect(e?.message).not.toMatch(/LEAKED-PW/);
    expect(
      clickhouseCredentials(undefined, { REIDGATE_CLICKHOUSE_USER: 'u', REIDGATE_CLICKHOUSE_PASSWORD: 'p' }),
    ).toEqual({
      user: 'u',
      password: 'p',
    });
    expect(() => parseServerUrl('http://h:1/path')).toThrow(/give only scheme, host and port/);
  });
});

if (missing) it.skip(`--engine clickhouse fault tests on the cluster: ${missing}`, () => {});

describe.skipIf(missing !== null)('--engine clickhouse faults on the cluster', () => {
  it('wrong credentials: exit 2, the password never echoed', () => {
    const err = failing(['--release', ok, '--qi', 'a'], 2, {
      REIDGATE_CLICKHOUSE_PASSWORD: 'WRONG-PW-MARKER',
    });
    expect(err).toMatch(/the server refused the credentials/);
    expect(err).not.toMatch(/WRONG-PW-MARKER/);
    const cfg = join(dir, 'wrong.json');
    writeFileSync(cfg, JSON.stringify({ user: USER, password: 'WRONG-PW-MARKER' }));
    expect(failing(['--release', ok, '--qi', 'a', '--clickhouse-config', cfg], 2)).not.toMatch(
      /WRONG-PW-MARKER/,
    );
  });

  it('a missing table or database (clickhouse:// input): exit 2; a malformed address: exit 2', () => {
    const host = new URL(URLS[0]).host;
    expect(failing(['--release', `clickhouse://${host}/default.rg_no_such_table`, '--qi', 'a'], 2)).toMatch(
      /--release clickhouse:\/\/.*default\.rg_no_such_table: no such table/,
    );
    expect(failing(['--release', `clickhouse://${host}/nodb_rg.t`, '--qi', 'a'], 2)).toMatch(/no such table/);
    expect(failing(['--release', `clickhouse://${host}/justatable`, '--qi', 'a'], 2)).toMatch(
      /clickhouse:\/\/host:port\/db\.table/,
    );
  });

  it('a reidgate_row that does not number the rows 0 … n-1 once each: exit 2', async () => {
    const host = new URL(URLS[0]).host;
    const table = `default.rg_test_badrow_${process.pid}`;
    // [0, 1, 1, 3]: right count, minimum and maximum, one number twice (only the sum of keyed hashes tells).
    for (const [rows, bad] of [
      ['0\t1\n1\t2\n1\t2\n3\t4\n', true],
      ['3\t1\n1\t2\n0\t2\n2\t4\n', false],
    ] as const) {
      await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      await sql(
        URLS[0],
        `CREATE TABLE ${table} (reidgate_row UInt64, a String) ENGINE = MergeTree ORDER BY a`,
      );
      await sql(URLS[0], `INSERT INTO ${table} FORMAT TabSeparated`, rows);
      try {
        const args = ['--release', `clickhouse://${host}/${table}`, '--qi', 'a'];
        if (bad) expect(failing(args, 2)).toMatch(/column reidgate_row must number the rows 0 … 3 once each/);
        else {
          const r = cli([
            'run',
            '--engine',
            'clickhouse',
            '--attacks',
            'uniqueness',
            '--out',
            tmp(),
            ...args,
          ]);
          expect([0, 1], r.stderr).toContain(r.code);
        }
      } finally {
        await sql(URLS[0], `DROP TABLE IF EXISTS ${table}`);
      }
    }
  });

  it('a too small --memory-limit (max_memory_usage) while loading: exit 3, nothing written', () => {
    const err = failing(['--release', big, '--qi', 'a,b,c', '--memory-limit', '3MB'], 3);
    expect(err).toMatch(/out of memory \(max_memory_usage\) while loading/);
  });

  it('credentials never reach the report, the manifest, record-risk.csv or the output', () => {
    const out = tmp('reidgate-ch-leak-');
    const cfg = join(dir, 'ok.yaml');
    writeFileSync(cfg, `user: ${USER}\npassword: ${PASSWORD}\n`);
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    for (const args of [[], ['--clickhouse-config', cfg]]) {
      const r = cli(['run', '--engine', 'clickhouse', '--release', ok, '--qi', 'a,b', '--out', out, ...args]);
      expect(r.code, r.stderr).toBe(1);
      for (const f of readdirSync(out)) {
        const text = readFileSync(join(out, f), 'utf8');
        expect(text, f).not.toContain(PASSWORD);
        expect(text, f).not.toContain(basic);
      }
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      expect(readFileSync(join(out, 'report.json'), 'utf8')).toContain('clickhouse 18.');
    }
  });
});

describe.skipIf(missing !== null)('engine level: max_memory_usage during a query, and clean-up', () => {
  let engine: ClickHouseEngine | undefined;
  let duck: DuckDbEngine | undefined;
  afterAll(async () => {
    await engine?.close();
    await duck?.close();
  });

  it('a query beyond max_memory_usage throws ENGINE (the run records an attack error: exit 3); close drops every table', async () => {
    const settings: Record<string, string> = {};
    const creds = clickhouseCredentials(undefined);
    const servers = URLS.map((u) => new ClickHouseServer(parseServerUrl(u), creds, settings));
    engine = await ClickHouseEngine.connect({
      servers,
      cluster: 'reidgate',
      wildcard: [],
      memoryLimit: '2MB',
    });
    duck = await DuckDbEngine.open({ threads: 1, wildcard: [] });
    await loadFile(engine, duck, 'release', big, {});
    // Unlimited, the same question is answered (and the missing-value scan is cached).
    const fine = await engine.classSizes({ role: 'release', columns: ['a', 'b', 'c'] });
    expect(fine.records).toBe(200_000);
    settings.max_memory_usage = '2000000';
    const e = await engine
      .classSizes({ role: 'release', columns: ['a', 'b', 'c'], perRecord: true })
      .catch((x) => x);
    expect(isReidgateError(e)).toBe(true);
    expect(e.code).toBe('ENGINE');
    expect(e.message).toMatch(
      /^--engine clickhouse \(127\.0\.0\.1:\d+\): out of memory \(max_memory_usage\) while grouping/,
    );
    expect(e.message).not.toMatch(/\n/);
    delete settings.max_memory_usage;
    const prefix = engine.prefix;
    const list = async (u: string) =>
      (
        await sql(
          u,
          `SELECT name FROM system.tables WHERE database = 'default' AND startsWith(name, '${prefix}') FORMAT TSV`,
        )
      ).trim();
    expect(await list(URLS[0])).not.toBe('');
    await engine.close();
    await engine.close();
    for (const u of URLS) expect(await list(u)).toBe('');
  });
});

describe.skipIf(!serverInstalled())('a shard that goes away during a run (its own cluster)', () => {
  const env = {
    REIDGATE_CLICKHOUSE_DIR: tmp('reidgate-ch-shardfault-'),
    REIDGATE_CLICKHOUSE_HTTP_PORTS: '28123 28124',
    REIDGATE_CLICKHOUSE_TCP_PORTS: '29101 29102',
    REIDGATE_CLICKHOUSE_INTERSERVER_PORTS: '29111 29112',
  };
  const script = (cmd: string) =>
    spawnSync('bash', [SCRIPT, cmd], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 90_000 });
  beforeAll(() => {
    const r = script('start');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
  afterAll(() => {
    script('stop');
  });

  it('the attack errors (verdict error, exit 3), no record-risk.csv, and the cluster script stops it', async () => {
    const pid = Number(readFileSync(join(env.REIDGATE_CLICKHOUSE_DIR, 'shard2/pid'), 'utf8'));
    const out = tmp('reidgate-ch-shardfault-out-');
    const trial = resolveTrial(undefined, {
      release: big,
      qi: 'a,b,c',
      engine: 'clickhouse',
      clickhouseUrl: 'http://127.0.0.1:28123,http://127.0.0.1:28124',
      attacks: 'uniqueness',
      out,
      workers: '1',
      format: 'json',
    });
    const { report, exitCode } = await runTrial(trial, (p) => {
      // Loading done: shard 2 goes away before the first query of the attack.
      if (p.stage === 'attack') process.kill(pid, 'SIGKILL');
    });
    expect(exitCode).toBe(3);
    expect(report.verdict).toBe('error');
    expect(report.attacks[0].status).toBe('error');
    expect(report.attacks[0].reason).toMatch(/--engine clickhouse \(127\.0\.0\.1:28123\): failed while/);
    expect(report.attacks[0].reason).not.toMatch(/\n/);
    expect(existsSync(join(out, 'record-risk.csv'))).toBe(false);
    const status = script('status');
    expect(status.status).not.toBe(0);
    expect(status.stdout).toMatch(/shard 2 does not answer/);
  });
});
