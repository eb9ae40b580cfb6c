/**
 * @module engine/duckdb-linkage — exact compatible-set linkage pushed down to DuckDB (`compatibleSets`).
 *
 * 1. Per known QI, the distinct values of every role (one scan per role for all QIs) go
 *    through the local encoder (linkage-relation.ts), giving code tables — released value → code,
 *    target value → code — and the compatible (target code, release code) pairs. They are uploaded.
 * 2. The release's classes: GROUP BY the QIs (wildcard tokens as one value, as the local encoder
 *    codes them) with each class's size and first row; a class is named by its first row, and
 *    ordered by it, as attacks/shared/classes.ts numbers classes.
 * 3. The sampled targets (uploaded: position, row, true release row) get their codes; the truth's
 *    class comes from one join of the truth rows with the classes.
 * 4. Candidates: targets ⋈ pairs ⋈ classes on the blocking QIs (the most discriminating ones, chosen
 *    from aggregates as attacks/linkage/block.ts chooses them), materialized, then verified by joining
 *    the pairs of every other QI. |S_t| = Σ class sizes; truth in S_t = its class among them.
 * 5. The pick: k_t = min(|S_t| − 1, ⌊u_t·|S_t|⌋) is computed here in JS (the same floating-point
 *    expression as the local kernel), uploaded; a running sum over each target's classes by first row
 *    finds the class and the offset; the offset-th row (ascending) of that class is read with one
 *    window over the picked classes' rows.
 * Only per-target numbers come back (sizes, flags, picked rows), never values. Scratch tables are
 * temporary (in memory, spilled to the engine's temporary folder past the memory limit: materializing
 * the classes into the file-backed work database took about twice as long) and dropped afterwards, also on failure.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { MISSING, WILDCARD } from '../encode/types.js';
import { ReidgateError } from '../errors.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import { ident, lit } from './duckdb-sql.js';
import {
  blockingStats,
  type DistinctValues,
  type Hierarchies,
  pickPositions,
  planBlocking,
  queryRelations,
} from './linkage-relation.js';
import type { CompatibleSets, CompatibleSetsQuery, EngineRole, LinkageRelation } from './types.js';

/** What the DuckDB engine passes in besides the query. */
export interface DuckLinkageOptions {
  wildcard: readonly string[];
  hierarchies?: Hierarchies;
}

let scratchId = 0;

/** A column of the upload: name, SQL type and values. */
type UploadColumn = [string, 'INTEGER' | 'DOUBLE' | 'VARCHAR', ArrayLike<number> | readonly string[]];

/** Creates table `name` and appends the columns' values row by row (all columns equally long). */
export async function upload(
  conn: DuckDBConnection,
  name: string,
  cols: readonly UploadColumn[],
): Promise<void> {
  await conn.run(`CREATE TABLE ${name} (${cols.map(([c, t]) => `${c} ${t}`).join(', ')})`);
  const appender = await conn.createAppender(name);
  const n = cols[0][2].length;
  for (let i = 0; i < n; i++) {
    for (const [, type, v] of cols) {
      if (type === 'VARCHAR') appender.appendVarchar(v[i] as string);
      else if (type === 'INTEGER') appender.appendInteger(v[i] as number);
      else appender.appendDouble(v[i] as number);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** The expression a QI is grouped and matched by: its text, with every wildcard token as one value. */
function keyExpr(alias: string, column: string, wildcard: readonly string[]): string {
  const v = `CAST(${alias}.${ident(column)} AS VARCHAR)`;
  if (wildcard.length === 0) return v;
  return `(CASE WHEN ${v} IN (${wildcard.map(lit).join(', ')}) THEN ${lit(wildcard[0])} ELSE ${v} END)`;
}

/** A table with its row position as column __rg_row (the engine's row expression, over alias t). */
export function withRow(t: DuckTable): string {
  return `(SELECT ${t.row} AS __rg_row, t.* FROM ${t.relation} AS t)`;
}

/** Distinct values (as text, null for missing) of columns of a table: one scan for all of them. */
async function distinct(engine: DuckDbEngine, t: DuckTable, columns: readonly string[], doing: string) {
  const sel = columns.map((c) => `list(DISTINCT CAST(${ident(c)} AS VARCHAR))`).join(', ');
  try {
    const [row] = (await engine.conn.runAndReadAll(`SELECT ${sel} FROM ${t.relation}`)).getRowsJS();
    return row.map((list) => (list as Array<string | null>).map((v) => (v === null ? null : String(v))));
  } catch (e) {
    throw engine.failure(e, doing);
  }
}

/** Scratch tables of one operation: named uniquely, dropped by `drop` (also on failure). */
export interface Scratch {
  /** A fresh scratch table name. */
  table(name: string): string;
  /** Runs SQL; engine failures become ReidgateError('ENGINE'). */
  run(sql: string): Promise<void>;
  /** Drops every scratch table. */
  drop(): Promise<void>;
}

/** Scratch tables for one operation on `engine`, failures reported as `doing`. */
export function scratchTables(engine: DuckDbEngine, prefix: string, doing: string): Scratch {
  const id = scratchId++;
  const tables: string[] = [];
  return {
    table(name: string) {
      const t = `rg_${prefix}${id}_${name}${tables.length}`;
      tables.push(t);
      return t;
    },
    async run(sql: string) {
      try {
        await engine.conn.run(sql);
      } catch (e) {
        throw engine.failure(e, doing);
      }
    },
    async drop() {
      for (const t of tables) await engine.conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => {});
    },
  };
}

/** Which release classes each sampled target may hide in. */
export interface LinkQuery {
  /** The targets' table. */
  targets: EngineRole;
  /** The known QIs with their kinds (≥ 1). */
  columns: CompatibleSetsQuery['columns'];
  /** Sampled target rows (0-based rows of the targets' table). */
  targetRows: Int32Array;
  /** Per sampled target: its true release row, or −1. */
  truth: Int32Array;
  relation: LinkageRelation;
  /**
   * The targets are release rows and may hide only in their own class (identical released values,
   * wildcard tokens as one value): no compatibility relation (person-match's release-only mode).
   */
  sameClass?: boolean;
}

/** Scratch tables holding a LinkQuery's answer, and figures for the report. */
export interface LinkedClasses {
  /** Release classes: __rg_cid (= first row), __rg_n (size), __rg_first, keys __rg_k0 … */
  cls: string;
  /** Sampled targets: tid (position), trow, truth. */
  sample: string;
  /** Per target: the class of its true release row (tid, cid). */
  truth: string;
  /** Compatible classes per target: tid, cid, n (class size), first. */
  pairs: string;
  /** The class-key expressions over a release alias (`r`), and the key column names of `cls`. */
  relKeys: string[];
  keyNames: string[];
  classCount: number;
  blockingQis: string[];
  details: Record<string, unknown>;
}

/**
 * The release classes each sampled target is compatible with (steps 1–4 of the module comment), as
 * scratch tables; with `sameClass`, the target's own class.
 * @returns the tables, or null for relation 'unseen-as-generalized' when no released value is unseen
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function linkClasses(
  engine: DuckDbEngine,
  q: LinkQuery,
  opts: DuckLinkageOptions,
  s: Scratch,
  doing: string,
): Promise<LinkedClasses | null> {
  const rel = engine.tables.get('release');
  const tgt = engine.tables.get(q.targets);
  if (!rel || !tgt) throw new ReidgateError('INTERNAL', `duckdb engine: no release or ${q.targets} table`);
  const names = q.columns.map((c) => c.name);
  // 1. The relation per QI, from distinct values.
  const values: Array<DistinctValues['values']> = names.map(() => ({}));
  for (const role of ['release', 'original', 'control', 'auxiliary'] as EngineRole[]) {
    const t = engine.tables.get(role);
    const held = names.filter((c) => t?.columns.includes(c));
    if (q.sameClass || !t || held.length === 0) continue;
    const lists = await distinct(engine, t, held, `${doing} (distinct values of --${role})`);
    held.forEach((c, i) => {
      values[names.indexOf(c)][role] = lists[i];
    });
  }
  const relations = q.sameClass ? [] : queryRelations(q, values, opts.wildcard, opts.hierarchies);
  if (!relations) return null;

  const T = q.targetRows.length;
  const table = (name: string) => s.table(name);
  const run = (sql: string) => s.run(sql);
  const conn = engine.conn;
  // Code tables and pairs.
  const dictR = relations.map(() => table('dr'));
  const dictT = relations.map(() => table('dt'));
  const pairs = relations.map(() => table('m'));
  for (const [j, r] of relations.entries()) {
    try {
      await upload(conn, dictR[j], [
        ['v', 'VARCHAR', [...r.releaseCodes.keys()]],
        ['c', 'INTEGER', [...r.releaseCodes.values()]],
      ]);
      await upload(conn, dictT[j], [
        ['v', 'VARCHAR', [...r.targetCodes.keys()]],
        ['c', 'INTEGER', [...r.targetCodes.values()]],
      ]);
      await upload(conn, pairs[j], [
        ['tc', 'INTEGER', r.pairs.map((p) => p[0])],
        ['rc', 'INTEGER', r.pairs.map((p) => p[1])],
      ]);
    } catch (e) {
      throw engine.failure(e, `${doing} (uploading the compatibility of ${names[j]})`);
    }
  }
  // 2. Release classes: key k_j (text, wildcard tokens as one), code c_j, size, first row (which
  // also names the class: numbering classes by it, as classes.ts does, costs a sort and is not needed).
  const keys = names.map((c) => keyExpr('t', c, opts.wildcard));
  const K = names.map((_, j) => `__rg_k${j}`);
  const C = names.map((_, j) => `__rg_c${j}`);
  const codes = q.sameClass
    ? ''
    : ', ' +
      names
        .map(
          (_, j) =>
            `(CASE WHEN g.${K[j]} IS NULL THEN ${MISSING} ` +
            (opts.wildcard.length > 0 ? `WHEN g.${K[j]} = ${lit(opts.wildcard[0])} THEN ${WILDCARD} ` : '') +
            `ELSE d${j}.c END)::INTEGER AS ${C[j]}`,
        )
        .join(', ');
  const cls = table('cls');
  await run(
    `CREATE TEMP TABLE ${cls} AS SELECT g.__rg_first AS __rg_cid, ` +
      `g.__rg_n::INTEGER AS __rg_n, g.__rg_first, ${K.map((k) => `g.${k}`).join(', ')}${codes}` +
      ` FROM (SELECT ${keys.map((e, j) => `${e} AS ${K[j]}`).join(', ')}, count(*) AS __rg_n, ` +
      `min(t.__rg_row) AS __rg_first FROM ${withRow(rel)} AS t GROUP BY ALL) AS g ` +
      relations.map((_, j) => `LEFT JOIN ${dictR[j]} AS d${j} ON d${j}.v = g.${K[j]}`).join(' '),
  );
  const [[classCount]] = await engine.all(`SELECT count(*)::DOUBLE FROM ${cls}`, doing);
  // 3. Targets with their codes and the truth's class.
  const sample = table('sample');
  try {
    await upload(conn, sample, [
      ['tid', 'INTEGER', Int32Array.from({ length: T }, (_, t) => t)],
      ['trow', 'INTEGER', q.targetRows],
      ['truth', 'INTEGER', q.truth],
    ]);
  } catch (e) {
    throw engine.failure(e, `${doing} (uploading the targets)`);
  }
  const truth = table('truth');
  const relKeys = names.map((c) => keyExpr('r', c, opts.wildcard));
  const sameKeys = (a: string) =>
    names.map((_, j) => `${a}.${K[j]} IS NOT DISTINCT FROM c.${K[j]}`).join(' AND ');
  await run(
    `CREATE TEMP TABLE ${truth} AS SELECT s.tid, c.__rg_cid AS cid FROM ${sample} AS s ` +
      `JOIN (SELECT r.__rg_row, ${relKeys.map((e, j) => `${e} AS ${K[j]}`).join(', ')} FROM ${withRow(rel)} AS r ` +
      `WHERE r.__rg_row IN (SELECT truth FROM ${sample} WHERE truth >= 0)) AS x ON x.__rg_row = s.truth ` +
      `JOIN ${cls} AS c ON ${sameKeys('x')}`,
  );
  const pairsTable = table('pairs');
  const linked = {
    cls,
    sample,
    truth,
    pairs: pairsTable,
    relKeys,
    keyNames: K,
    classCount: classCount as number,
  };
  if (q.sameClass) {
    await run(
      `CREATE TEMP TABLE ${pairsTable} AS SELECT tr.tid, tr.cid, c.__rg_n AS n, c.__rg_first AS first ` +
        `FROM ${truth} AS tr JOIN ${cls} AS c ON c.__rg_cid = tr.cid`,
    );
    return { ...linked, blockingQis: [], details: {} };
  }
  const tg = table('tg');
  await run(
    `CREATE TEMP TABLE ${tg} AS SELECT s.tid, ` +
      names
        .map(
          (c, j) => `(CASE WHEN t.${ident(c)} IS NULL THEN ${MISSING} ELSE d${j}.c END)::INTEGER AS ${C[j]}`,
        )
        .join(', ') +
      ` FROM ${sample} AS s JOIN ${withRow(tgt)} AS t ON t.__rg_row = s.trow ` +
      names
        .map((c, j) => `LEFT JOIN ${dictT[j]} AS d${j} ON d${j}.v = CAST(t.${ident(c)} AS VARCHAR)`)
        .join(' '),
  );
  // Blocking statistics from aggregates.
  const stats = [];
  for (const [j, r] of relations.entries()) {
    const byCode = await engine.all(`SELECT count(*)::DOUBLE FROM ${cls} GROUP BY ${C[j]}`, doing);
    const tcs = await engine.all(`SELECT ${C[j]}, count(*)::DOUBLE FROM ${tg} GROUP BY 1`, doing);
    stats.push(
      blockingStats(
        byCode.map(([n]) => n as number),
        classCount as number,
        r,
        tcs.map(([tc, n]) => [tc as number, n as number]),
        T,
      ),
    );
  }
  const plan = planBlocking(classCount as number, stats);
  const inKey = new Set(plan.fields);
  // 4. Candidates by blocking, verified on the other QIs.
  const cand = table('cand');
  await run(
    `CREATE TEMP TABLE ${cand} AS SELECT t.tid, c.__rg_cid AS cid, c.__rg_n AS n, c.__rg_first AS first` +
      names.map((_, j) => (inKey.has(j) ? '' : `, t.${C[j]} AS t${j}, c.${C[j]} AS r${j}`)).join('') +
      ` FROM ${tg} AS t ` +
      plan.fields.map((j) => `JOIN ${pairs[j]} AS m${j} ON m${j}.tc = t.${C[j]} `).join('') +
      `JOIN ${cls} AS c ON ${plan.fields.map((j) => `c.${C[j]} = m${j}.rc`).join(' AND ')}`,
  );
  const verify = names
    .map((_, j) => j)
    .filter((j) => !inKey.has(j))
    .map((j) => `JOIN ${pairs[j]} AS m${j} ON m${j}.tc = x.t${j} AND m${j}.rc = x.r${j} `)
    .join('');
  await run(
    `CREATE TEMP TABLE ${pairsTable} AS SELECT x.tid, x.cid, x.n, x.first FROM ${cand} AS x ${verify}`,
  );
  const [[candidates, compatible]] = await engine.all(
    `SELECT (SELECT count(*) FROM ${cand})::DOUBLE, (SELECT count(*) FROM ${pairsTable})::DOUBLE`,
    doing,
  );
  return {
    ...linked,
    blockingQis: plan.fields.map((j) => names[j]),
    details: {
      expectedBucketSize: plan.estimate,
      candidatePairs: candidates as number,
      compatiblePairs: compatible as number,
    },
  };
}

/**
 * Exact compatible sets on DuckDB (see the module comment).
 * @param engine - the DuckDB engine holding the release and the targets' table
 * @param q - the question
 * @param opts - wildcard tokens and hierarchies of the trial
 * @returns the sets, or null for 'unseen-as-generalized' when no released value is unseen
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function duckCompatibleSets(
  engine: DuckDbEngine,
  q: CompatibleSetsQuery,
  opts: DuckLinkageOptions,
): Promise<CompatibleSets | null> {
  const names = q.columns.map((c) => c.name);
  const doing = `linking --${q.targets} to the release on ${names.join(', ')}`;
  const s = scratchTables(engine, 'lk', doing);
  const table = (name: string) => s.table(name);
  const run = (sql: string) => s.run(sql);
  const conn = engine.conn;
  const T = q.targetRows.length;
  try {
    const linked = await linkClasses(engine, q, opts, s, doing);
    if (!linked) return null;
    const rel = engine.tables.get('release')!;
    const { cls, pairs: pairsTable, relKeys, keyNames: K } = linked;
    const sameKeys = (a: string) =>
      names.map((_, j) => `${a}.${K[j]} IS NOT DISTINCT FROM c.${K[j]}`).join(' AND ');
    const setSize = new Int32Array(T);
    const truthInSet = new Int32Array(T);
    for (const [t, size, hit] of await engine.all(
      `SELECT p.tid, sum(p.n)::DOUBLE, bool_or(p.cid IS NOT DISTINCT FROM tr.cid) FROM ${pairsTable} AS p ` +
        `LEFT JOIN ${linked.truth} AS tr USING (tid) GROUP BY p.tid`,
      doing,
    )) {
      setSize[t as number] = size as number;
      truthInSet[t as number] = hit === true ? 1 : 0;
    }
    // 5. The pick.
    const { tids, ks } = pickPositions(setSize, q.uniform);
    const claimed = new Int32Array(T).fill(-1);
    if (tids.length > 0) {
      const kt = table('k');
      try {
        await upload(conn, kt, [
          ['tid', 'INTEGER', tids],
          ['k', 'DOUBLE', ks],
        ]);
      } catch (e) {
        throw engine.failure(e, `${doing} (uploading the picks)`);
      }
      const pick = table('pick');
      await run(
        `CREATE TEMP TABLE ${pick} AS SELECT w.tid, w.cid, (k.k - w.before)::BIGINT AS off FROM ` +
          `(SELECT tid, cid, n, (sum(n) OVER (PARTITION BY tid ORDER BY first ROWS UNBOUNDED PRECEDING) - n)::DOUBLE AS before ` +
          `FROM ${pairsTable}) AS w JOIN ${kt} AS k USING (tid) WHERE w.before <= k.k AND k.k < w.before + w.n`,
      );
      const members =
        `SELECT c.__rg_cid AS cid, r.__rg_row AS row, ` +
        `row_number() OVER (PARTITION BY c.__rg_cid ORDER BY r.__rg_row) - 1 AS rank ` +
        `FROM (SELECT r.__rg_row, ${relKeys.map((e, j) => `${e} AS ${K[j]}`).join(', ')} FROM ${withRow(rel)} AS r) AS r ` +
        `JOIN (SELECT * FROM ${cls} WHERE __rg_cid IN (SELECT cid FROM ${pick})) AS c ON ${sameKeys('r')}`;
      for (const [t, row] of await engine.all(
        `SELECT p.tid, m.row::INTEGER FROM ${pick} AS p JOIN (${members}) AS m ON m.cid = p.cid AND m.rank = p.off`,
        `${doing} (the attacker's picks)`,
      ))
        claimed[t as number] = row as number;
    }
    return {
      setSize,
      truthInSet,
      claimed,
      releaseClasses: linked.classCount,
      blockingQis: linked.blockingQis,
      details: linked.details,
      warnings: [],
    };
  } finally {
    await s.drop();
  }
}
