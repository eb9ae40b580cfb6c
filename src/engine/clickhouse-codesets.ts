/**
 * @module engine/clickhouse-codesets — relational trials on the ClickHouse engine: km-anonymity
 * counting (`personCodes`, `codeSetCounts`) as SQL on the cluster's coordinator, with the figures
 * attacks/person-match's kernels give locally.
 *
 * Event tables: checked and coded in the embedded DuckDB that loads the trial's files
 * (duckdb-events.ts: the local loader's checks, messages and code normalization, as on --engine
 * duckdb), which also builds each side's code sets — (person row, combined code), distinct — from
 * them (duckdb-codesets.ts). Only those coded pairs are uploaded, to one MergeTree table per side on
 * the coordinator (not sharded); the raw event rows never reach ClickHouse. Person rows are the row
 * numbers the person tables were loaded with (the same DuckDB reading), so they name the same persons.
 *
 * Counting, in the 18.16 dialect (USING joins, the right side the hash table):
 * - demographics: each release person's class, named by its first row (one GROUP BY of the known
 *   QIs' keys with groupArray of rows, on the shards, ARRAY JOINed); each target's compatible classes
 *   from exact linkage's join (clickhouse-linkage.ts chLinkClasses: strict relation), or, for
 *   release-side targets, the target's own class; without known QIs one class holds everyone;
 * - level 1: the holders of each target's item 1 (its code or its table's suppressed code), kept when
 *   their class is among the target's compatible classes; level m: those of level m − 1 holding item m
 *   (a join with the code sets on (person, code)). Per (target, level) the persons and whether the
 *   true person is among them come back: at most targets × M rows, never other persons' codes.
 * Not pushed down yet: rare-values' aggregates (`rareValueCounts`) and trajectory counts; those
 * attacks are skipped on ClickHouse with a reason (the verdict fails closed).
 */
import { ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import type { Trial } from '../trial/schema.js';
import type { ClickHouseEngine, ClickHouseTable } from './clickhouse.js';
import { type Column, chLinkClasses, chRowsById, classKeys, upload } from './clickhouse-linkage.js';
import { streamInto } from './clickhouse-load.js';
import { ROW } from './clickhouse-sql.js';
import type { DuckDbEngine } from './duckdb.js';
import { codeSetsOf } from './duckdb-codesets.js';
import { loadDuckEvents } from './duckdb-events.js';
import type { CsvOptions } from './duckdb-load.js';
import type { CodeSetCounts, CodeSetQuery, PersonCodes, PersonCodesQuery, RelationalCodes } from './types.js';

/** A relational trial on the ClickHouse engine: its codes, and each side's code-sets table (p, code). */
export interface ChRelational extends RelationalCodes {
  /** The person key of the person tables. */
  key: string;
  sets: Partial<Record<'release' | 'original', string>>;
}

/**
 * Checks and codes a relational trial's event tables in `duck` (which holds the person tables as
 * loaded into the cluster) and uploads each side's code sets to the coordinator.
 * @returns the event files' report entries, loader warnings, and the relational codes
 * @throws ReidgateError — input errors (exit 2) as relational/load.ts raises them; ENGINE (exit 3)
 */
export async function loadChEvents(
  engine: ClickHouseEngine,
  duck: DuckDbEngine | undefined,
  trial: Trial,
  opts: CsvOptions,
  progress: (detail: string) => void,
): Promise<{ info: Record<string, InputInfo>; warnings: string[]; relational: ChRelational }> {
  const rel = engine.tables.get('release');
  if (!duck || !rel?.direct || (trial.original && !engine.tables.get('original')?.direct))
    throw new ReidgateError(
      'USAGE',
      '--engine clickhouse: a relational trial (events:) reads its person tables from files, not clickhouse:// tables',
    );
  const events = await loadDuckEvents(duck, trial, opts, progress);
  duck.relational = events.relational;
  const sets: ChRelational['sets'] = {};
  for (const side of ['release', 'original'] as const) {
    if (!duck.tables.get(side) || (side === 'original' && !events.relational.original)) continue;
    const from = await codeSetsOf(duck, side);
    const name = `${rel.scratchDb}.${engine.prefix}_codesets_${side}`;
    const doing = `uploading the ${side} patients' code sets`;
    engine.created.push([engine.coordinator, name]);
    await engine.coordinator.exec(
      `CREATE TABLE ${name} (p UInt64, code Int32) ENGINE = MergeTree ORDER BY (p, code)`,
      doing,
    );
    await streamInto(
      engine,
      duck,
      `SELECT CAST(p AS VARCHAR) || chr(9) || CAST(code AS VARCHAR) FROM ${from}`,
      name,
      doing,
      `reading the ${side} patients' code sets`,
    );
    sets[side] = name;
  }
  const { tables, labels, original, key } = events.relational;
  return {
    info: events.info,
    warnings: events.warnings,
    relational: { tables, labels, original, key, sets },
  };
}

function relationalOf(
  engine: ClickHouseEngine,
  side: 'release' | 'original',
): { rel: ChRelational; sets: string } {
  const rel = engine.relational;
  const sets = rel?.sets[side];
  if (!rel || !sets) throw new ReidgateError('INTERNAL', `clickhouse engine: no ${side} code sets`);
  return { rel, sets };
}

/**
 * Each given person's distinct combined codes, ascending (see PersonCodes).
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function chPersonCodes(engine: ClickHouseEngine, q: PersonCodesQuery): Promise<PersonCodes> {
  const { sets } = relationalOf(engine, q.side);
  const doing = `reading the sampled ${q.side} patients' codes`;
  const server = engine.coordinator;
  const n = q.rows.length;
  const byPerson = new Map<number, number[]>();
  for (const p of q.rows) byPerson.set(p, []);
  if (n > 0) {
    const t = engine.tables.get('release')!;
    const sample = await upload(engine, t, 'pcs', [['p', 'UInt64', q.rows]], doing);
    try {
      for (const [p, code] of await server.numbers(
        `SELECT p, code FROM ${sets} WHERE p IN (SELECT p FROM ${sample}) ORDER BY p, code`,
        doing,
      ))
        byPerson.get(p)?.push(code);
    } finally {
      await server.exec(`DROP TABLE IF EXISTS ${sample}`, 'dropping a scratch table').catch(() => {});
    }
  }
  const offsets = new Int32Array(n + 1);
  const all: number[] = [];
  q.rows.forEach((p, i) => {
    all.push(...byPerson.get(p)!);
    offsets[i + 1] = all.length;
  });
  return { offsets, codes: Int32Array.from(all) };
}

/**
 * km-anonymity counts (see CodeSetQuery and the module comment).
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chCodeSetCounts(
  engine: ClickHouseEngine,
  q: CodeSetQuery,
  wildcard: readonly string[],
): Promise<CodeSetCounts> {
  const { rel: relational, sets } = relationalOf(engine, 'release');
  const rel = engine.tables.get('release');
  if (!rel?.direct) throw new ReidgateError('INTERNAL', 'clickhouse engine: no loaded release table');
  const server = rel.server;
  const doing = `counting code sets of ${q.targetRows.length} targets`;
  const T = q.targetRows.length;
  const M = q.levels;
  const scratch: Array<[ClickHouseTable, string]> = [];
  const put = async (kind: string, cols: readonly Column[]) => {
    const name = await upload(engine, rel, kind, cols, doing);
    scratch.push([rel, name]);
    return name;
  };
  const make = async (kind: string, select: string) => {
    const name = engine.scratchName(rel, kind);
    scratch.push([rel, name]);
    await server.exec(`CREATE TABLE ${name} ENGINE = MergeTree ORDER BY tuple() AS ${select}`, doing);
    return name;
  };
  try {
    // Truth: the release person with the target's key (original side), or the target itself.
    const truth = new Int32Array(T).fill(-1);
    if (q.side === 'release') truth.set(q.targetRows);
    else {
      const posOf = new Map<number, number[]>();
      q.targetRows.forEach((r, t) => {
        posOf.set(r, [...(posOf.get(r) ?? []), t]);
      });
      for (const [trow, row] of await chRowsById(engine, 'original', q.targetRows, relational.key))
        for (const t of posOf.get(trow) ?? []) truth[t] = row;
    }
    const tids = Int32Array.from({ length: T }, (_, t) => t);
    // truth + 1 (0: none), so that a LEFT JOIN's default never names a person.
    const truthT = await put('cst', [
      ['tid', 'UInt64', tids],
      ['t1', 'UInt64', Array.from(truth, (r) => r + 1)],
    ]);
    // The known items, each also as its table's suppressed code.
    const supp = (c: number) => {
      const t = relational.tables.find((x) => c >= x.base && c < x.suppressed);
      if (!t) throw new ReidgateError('INTERNAL', `code-sets: code ${c} is no table's code`);
      return t.suppressed;
    };
    const tid: number[] = [];
    const item: number[] = [];
    const code: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let i = q.itemOffsets[t]; i < q.itemOffsets[t + 1]; i++) {
        for (const c of [q.items[i], supp(q.items[i])]) {
          tid.push(t);
          item.push(i - q.itemOffsets[t] + 1);
          code.push(c);
        }
      }
    }
    const items = await put('csi', [
      ['tid', 'UInt64', tid],
      ['item', 'UInt32', item],
      ['code', 'Int32', code],
    ]);
    // Demographics: each release person's class (its first row), each target's compatible classes.
    const names = q.knownQi.map((c) => c.name);
    let pcls: string;
    let pairs: string;
    if (names.length === 0) {
      pcls = await make('csp', `SELECT toUInt64(${ROW}) AS p, toUInt64(0) AS cid FROM ${rel.relation}`);
      pairs = await make('csq', `SELECT tid, toUInt64(0) AS cid FROM ${truthT}`);
    } else {
      const { K, relSelect } = classKeys(rel, names, wildcard);
      pcls = await make(
        'csp',
        `SELECT toUInt64(arrayJoin(rs)) AS p, toUInt64(f) AS cid FROM ` +
          `(SELECT ${relSelect}, min(${ROW}) AS f, groupArray(${ROW}) AS rs FROM ${rel.relation} GROUP BY ${K.join(', ')})`,
      );
      if (q.sameClass) {
        const tg = await put('csr', [
          ['tid', 'UInt64', tids],
          ['p', 'UInt64', q.targetRows],
        ]);
        pairs = await make('csq', `SELECT tid, cid FROM ${tg} ANY INNER JOIN ${pcls} USING p`);
      } else {
        const linked = await chLinkClasses(
          engine,
          {
            targets: 'original',
            columns: q.knownQi,
            targetRows: q.targetRows,
            truth,
            uniform: new Float64Array(T),
            relation: 'strict',
          },
          { wildcard, hierarchies: engine.opts.hierarchies },
          scratch,
        );
        if (!linked) throw new ReidgateError('INTERNAL', 'code-sets: no classes for the strict relation');
        pairs = await make(
          'csq',
          `SELECT toUInt64(__rg_tid) AS tid, toUInt64(__rg_first) AS cid FROM (${linked.verified})`,
        );
      }
    }
    const size = new Int32Array(T * M);
    const truthIn = new Int32Array(T * M);
    for (let t = 0; t < T; t++)
      for (let m = q.itemOffsets[t + 1] - q.itemOffsets[t] + 1; m <= M; m++) size[t * M + m - 1] = -1;
    let cur = '';
    for (let m = 1; m <= M; m++) {
      const want = `(SELECT tid, code FROM ${items} WHERE item = ${m})`;
      cur =
        m === 1
          ? await make(
              'csc',
              // Holders streamed with their class; the hash table: each target's (item, compatible class).
              `SELECT DISTINCT tid, p FROM (SELECT p, code, cid FROM ${sets} ANY INNER JOIN ${pcls} USING p) ` +
                `ALL INNER JOIN (SELECT tid, code, cid FROM ${want} ALL INNER JOIN ${pairs} USING tid) USING code, cid`,
            )
          : await make(
              'csc',
              `SELECT DISTINCT tid, p FROM ${sets} ALL INNER JOIN ` +
                `(SELECT tid, p, code FROM ${cur} ALL INNER JOIN ${want} USING tid) USING p, code`,
            );
      for (const [t, n, hit] of await server.numbers(
        `SELECT tid, count(), max(p + 1 = t1) FROM ${cur} ANY LEFT JOIN ${truthT} USING tid GROUP BY tid`,
        doing,
      )) {
        size[t * M + m - 1] = n;
        truthIn[t * M + m - 1] = hit === 1 ? 1 : 0;
      }
    }
    return { truth, size, truthIn, details: {} };
  } finally {
    for (const [t, name] of scratch)
      await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }
}
