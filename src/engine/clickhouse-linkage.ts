/**
 * @module engine/clickhouse-linkage — exact compatible-set linkage pushed down to ClickHouse
 * (`compatibleSets`), in the 18.16 dialect (no window functions; one JOIN per SELECT, by USING), and
 * the --id questions of the linkage targets (linkage-targets.ts).
 *
 * As duckdb-linkage.ts, with what 18.16 allows:
 * 1. Per known QI, the distinct values of every role (one scan per role: each row's keys ARRAY JOINed
 *    as (column, key) pairs and grouped on the shards) go through the local encoder
 *    (linkage-relation.ts): key → code tables for the release and the targets' side, and the
 *    compatible (target code, release code) pairs, uploaded (one table each, all QIs) to the release's
 *    server.
 * 2. The release's classes: a GROUP BY of the QIs' keys (wildcard tokens as one key, `'*'`) with size
 *    and first row, merged on the coordinator from the shards' partial aggregates, then given each
 *    QI's code by one ANY LEFT JOIN per QI with the code table; stored in a scratch table.
 * 3. The sampled targets' rows (≤ --targets rows) are read by row number (GLOBAL IN an uploaded list)
 *    and coded here; so are their true release rows, whose codes decide whether the truth is in S_t
 *    (it is when every QI's (target code, truth code) is a compatible pair: exactly when the truth's
 *    class is among the compatible classes). The targets' codes are uploaded.
 * 4. Candidates: the targets, expanded through the pairs of the blocking QIs (chosen from aggregates
 *    by linkage-relation.ts planBlocking, as on DuckDB), joined with the classes (the classes stream,
 *    the expanded targets are the hash table); kept when every other QI's (target code, class code)
 *    is among its pairs (a tuple IN the pairs table). |S_t| = Σ class sizes per target.
 * 5. The pick: k_t = min(|S_t| − 1, ⌊u_t·|S_t|⌋) computed here (the local kernel's expression) and
 *    uploaded; per target, its compatible classes as (first row, size) pairs sorted by first row,
 *    their running sums (arrayCumSum) and the first that passes k_t give the class and the offset
 *    (18.16 has no window functions); then the picked classes' rows (GLOBAL IN their keys), sorted per
 *    class, give the offset-th row.
 * Only per-target numbers and the sampled targets' codes come back, never values in messages. Scratch
 * tables live in the release's server's scratch database and are dropped afterwards, also on failure.
 */
import { MISSING, WILDCARD } from '../encode/types.js';
import { ReidgateError } from '../errors.js';
import type { ClickHouseEngine, ClickHouseTable } from './clickhouse.js';
import { escapeTsv, unescapeTsv } from './clickhouse-http.js';
import { N, ROW, WILDCARD_KEY, wildcardKeySql } from './clickhouse-sql.js';
import {
  blockingStats,
  type DistinctValues,
  type Hierarchies,
  pickPositions,
  planBlocking,
  queryRelations,
} from './linkage-relation.js';
import type { KeyProblem } from './linkage-targets.js';
import type { CompatibleSets, CompatibleSetsQuery, EngineRole } from './types.js';

/** What the ClickHouse engine passes in besides the query. */
export interface ChLinkageOptions {
  wildcard: readonly string[];
  hierarchies?: Hierarchies;
}

const FIRST = '__rg_first';
const TID = '__rg_tid';

/** A scratch table's column: name, ClickHouse type, values. */
export type Column = [
  string,
  'UInt32' | 'Int32' | 'UInt64' | 'String',
  ArrayLike<number> | readonly string[],
];

/**
 * The release's class keys over `names` (every wildcard token as the one key `'*'`): their column
 * names K and the SELECT list making them from the release's columns.
 */
export function classKeys(
  rel: ClickHouseTable,
  names: readonly string[],
  wildcard: readonly string[],
): { K: string[]; relSelect: string } {
  const K = names.map((_, j) => `__rg_k${j}`);
  const relSelect = names
    .map((c, j) => {
      const k = rel.keys.get(c);
      if (k === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${c}`);
      return `${wildcard.length > 0 ? wildcardKeySql(k, wildcard) : k} AS ${K[j]}`;
    })
    .join(', ');
  return { K, relSelect };
}

/** Creates a scratch table on `t`'s server and inserts the columns' values (all equally long). */
export async function upload(
  engine: ClickHouseEngine,
  t: ClickHouseTable,
  kind: string,
  cols: readonly Column[],
  doing: string,
): Promise<string> {
  const name = engine.scratchName(t, kind);
  await t.server.exec(
    `CREATE TABLE ${name} (${cols.map(([c, type]) => `${c} ${type}`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`,
    doing,
  );
  const n = cols[0][2].length;
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(
      cols.map(([, type, v]) => (type === 'String' ? escapeTsv(v[i] as string) : String(v[i]))).join('\t'),
    );
  if (n > 0) await t.server.insert(name, `${lines.join('\n')}\n`, doing);
  return name;
}

/**
 * Rows of `t` (their row number, then `select`'s columns) restricted by `where`, which may name
 * ROW and `select`'s aliases. A loaded input is filtered on the shards (subqueries in `where` must be
 * GLOBAL); a table used in place is numbered in a subquery first.
 */
function rowsSql(t: ClickHouseTable, select: string, where: string): string {
  if (t.direct) return `SELECT ${ROW}, ${select} FROM ${t.relation} WHERE ${where}`;
  return `SELECT * FROM (SELECT ${t.row} AS ${ROW}, ${select} FROM ${t.relation}) WHERE ${where}`;
}

/**
 * A filter on the row numbers listed in `table` (column `trow`). Both sides as UInt64: 18.16 wants
 * IN's types equal, and a table in place numbers rows as UInt64 (or by its own reidgate_row type).
 */
function rowIn(table: string): string {
  return `toUInt64(${ROW}) GLOBAL IN (SELECT toUInt64(trow) FROM ${table})`;
}

/** Reads TabSeparated lines of a row number then `n` keys. */
async function readKeyed(
  t: ClickHouseTable,
  sql: string,
  n: number,
  doing: string,
  take: (row: number, keys: string[]) => void,
): Promise<void> {
  await t.server.streamLines(
    sql,
    doing,
    (line) => {
      const f = line.split('\t');
      const row = Number(f[0]);
      if (f.length !== n + 1 || !Number.isInteger(row)) throw t.server.unexpected(line, doing);
      take(
        row,
        f.slice(1).map((k) => unescapeTsv(k)),
      );
    },
    t.rowSettings,
  );
}

/**
 * Exact compatible sets on ClickHouse (see the module comment).
 * @param engine - the ClickHouse engine holding the release and the targets' table
 * @param q - the question
 * @param opts - wildcard tokens and hierarchies of the trial
 * @returns the sets, or null for 'unseen-as-generalized' when no released value is unseen
 * @throws ReidgateError('ENGINE') on engine failure; ('COLUMN') when a hierarchy misses a value
 */
export async function chCompatibleSets(
  engine: ClickHouseEngine,
  q: CompatibleSetsQuery,
  opts: ChLinkageOptions,
): Promise<CompatibleSets | null> {
  const scratch: Array<[ClickHouseTable, string]> = [];
  try {
    const linked = await chLinkClasses(engine, q, opts, scratch);
    if (!linked) return null;
    const { rel, cls, K, relSelect, verified, put, fresh, doing } = linked;
    const T = q.targetRows.length;
    const m = K.length;
    const setSize = new Int32Array(T);
    for (const [t, size] of await rel.server.numbers(
      `SELECT ${TID}, sum(${N}) FROM (${verified}) GROUP BY ${TID}`,
      doing,
    ))
      setSize[t] = size;
    // 5. The pick.
    const claimed = new Int32Array(T).fill(-1);
    const { tids, ks } = pickPositions(setSize, q.uniform);
    if (tids.length > 0) {
      const what = `${doing} (the attacker's picks)`;
      const kt = await put(
        rel,
        'lkk',
        [
          [TID, 'UInt32', tids],
          ['k', 'UInt64', ks],
        ],
        what,
      );
      const located = await rel.server.numbers(
        `SELECT ${TID}, tupleElement(ps[i], 1), k - (cs[i] - tupleElement(ps[i], 2)) FROM ` +
          `(SELECT ${TID}, k, ps, arrayCumSum(arrayMap(x -> tupleElement(x, 2), ps)) AS cs, arrayFirstIndex(x -> x > k, cs) AS i FROM ` +
          `(SELECT ${TID}, arraySort(groupArray((${FIRST}, ${N}))) AS ps FROM (${verified}) GROUP BY ${TID}) ` +
          `ALL INNER JOIN ${kt} USING ${TID})`,
        what,
      );
      if (located.length !== tids.length)
        throw new ReidgateError(
          'ENGINE',
          `--engine clickhouse (${rel.server.where}): ${located.length} of ${tids.length} picks came back while ${what}`,
        );
      const pk = await put(
        rel,
        'lkp',
        [
          [TID, 'UInt32', located.map((r) => r[0])],
          [FIRST, 'UInt64', located.map((r) => r[1])],
          ['off', 'UInt64', located.map((r) => r[2])],
        ],
        what,
      );
      const picked = fresh('lkq');
      await rel.server.exec(
        // The classes stream; the picks (≤ one per target) are the hash table.
        `CREATE TABLE ${picked} ENGINE = MergeTree ORDER BY tuple() AS SELECT ${TID}, off, ${K.join(', ')} ` +
          `FROM (SELECT toUInt64(${FIRST}) AS ${FIRST}, ${K.join(', ')} FROM ${cls}) ALL INNER JOIN ${pk} USING ${FIRST}`,
        what,
      );
      const tuple = m === 1 ? K[0] : `(${K.join(', ')})`;
      const members =
        `SELECT ${K.join(', ')}, arraySort(groupArray(${ROW})) AS rs FROM ` +
        `(${rowsSql(rel, relSelect, `${tuple} GLOBAL IN (SELECT ${K.join(', ')} FROM ${picked})`)}) GROUP BY ${K.join(', ')}`;
      for (const [t, row] of await rel.server.numbers(
        `SELECT ${TID}, rs[off + 1] FROM ${picked} ALL INNER JOIN (${members}) USING ${K.join(', ')}`,
        what,
      ))
        claimed[t] = row;
      if (claimed.some((c, t) => c === -1 && setSize[t] > 0))
        throw new ReidgateError(
          'ENGINE',
          `--engine clickhouse (${rel.server.where}): a picked record did not come back while ${what}`,
        );
    }
    return {
      setSize,
      truthInSet: linked.truthInSet,
      claimed,
      releaseClasses: linked.classCount,
      blockingQis: linked.blockingQis,
      details: linked.details,
      warnings: [],
    };
  } finally {
    for (const [t, name] of scratch)
      await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }
}

/** The compatible classes of the sampled targets (steps 1–4), their scratch tables and SQL. */
export interface ChLinked {
  rel: ClickHouseTable;
  /** The release's classes: keys K, size N, first row FIRST, codes. */
  cls: string;
  /** Key column names of `cls`, and the SELECT list making them from the release's columns. */
  K: string[];
  relSelect: string;
  /** SQL of the compatible (TID, FIRST, N) triples: each target's compatible classes. */
  verified: string;
  classCount: number;
  truthInSet: Int32Array;
  blockingQis: string[];
  details: Record<string, unknown>;
  put: (t: ClickHouseTable, kind: string, cols: readonly Column[], what?: string) => Promise<string>;
  fresh: (kind: string) => string;
  doing: string;
}

/**
 * Steps 1–4 of the module comment: the release's classes and each sampled target's compatible
 * classes (exact linkage's join), as scratch tables pushed onto `scratch` (the caller drops them).
 * @returns null for 'unseen-as-generalized' when no released value is unseen
 */
export async function chLinkClasses(
  engine: ClickHouseEngine,
  q: CompatibleSetsQuery,
  opts: ChLinkageOptions,
  scratch: Array<[ClickHouseTable, string]>,
): Promise<ChLinked | null> {
  const rel = engine.tables.get('release');
  const tgt = engine.tables.get(q.targets);
  if (!rel || !tgt)
    throw new ReidgateError('INTERNAL', `clickhouse engine: no release or ${q.targets} table`);
  const names = q.columns.map((c) => c.name);
  const m = names.length;
  const doing = `linking --${q.targets} to the release on ${names.join(', ')}`;
  const keyOf = (t: ClickHouseTable, c: string) => {
    const k = t.keys.get(c);
    if (k === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${c}`);
    return k;
  };
  // 1. The relation per QI, from distinct values (keys: '' missing, '+value').
  const values: Array<DistinctValues['values']> = names.map(() => ({}));
  for (const role of ['release', 'original', 'control', 'auxiliary'] as EngineRole[]) {
    const t = engine.tables.get(role);
    const held = names.map((_, j) => j).filter((j) => t?.columns.includes(names[j]));
    if (!t || held.length === 0) continue;
    // One scan for every column: each row's keys as (column, key) pairs, grouped.
    const list = `[${held.map((j) => keyOf(t, names[j])).join(', ')}]`;
    for (const j of held) values[j][role] = [];
    const what = `${doing} (distinct values of --${role})`;
    await t.server.streamLines(
      `SELECT __rg_j, __rg_v FROM ${t.relation} ARRAY JOIN arrayEnumerate(${list}) AS __rg_j, ${list} AS __rg_v ` +
        'GROUP BY __rg_j, __rg_v',
      what,
      (line) => {
        const tab = line.indexOf('\t');
        const j = held[Number(line.slice(0, tab)) - 1];
        if (tab < 0 || j === undefined) throw t.server.unexpected(line, what);
        const key = unescapeTsv(line.slice(tab + 1));
        (values[j][role] as Array<string | null>).push(key === '' ? null : key.slice(1));
      },
    );
  }
  const relations = queryRelations(q, values, opts.wildcard, opts.hierarchies);
  if (!relations) return null;
  const wild = opts.wildcard.length > 0;
  // Key → code per QI: the release's keys as classes group them (every wildcard token is '*').
  const releaseCode = relations.map((r) => {
    const map = new Map<string, number>([['', MISSING]]);
    for (const [v, c] of r.releaseCodes) map.set(`+${v}`, c);
    if (wild) map.set(WILDCARD_KEY.slice(1, -1), WILDCARD);
    return map;
  });
  const targetCode = relations.map((r) => {
    const map = new Map<string, number>([['', MISSING]]);
    for (const [v, c] of r.targetCodes) map.set(`+${v}`, c);
    return map;
  });
  const code = (map: Map<string, number>, key: string, t: ClickHouseTable) => {
    const c = map.get(key);
    if (c === undefined) throw t.server.unexpected('', doing);
    return c;
  };
  const T = q.targetRows.length;
  const put = async (t: ClickHouseTable, kind: string, cols: readonly Column[], what = doing) => {
    const name = await upload(engine, t, kind, cols, what);
    scratch.push([t, name]);
    return name;
  };
  const fresh = (kind: string) => {
    const name = engine.scratchName(rel, kind);
    scratch.push([rel, name]);
    return name;
  };
  const { K, relSelect } = classKeys(rel, names, opts.wildcard);
  const C = names.map((_, j) => `__rg_c${j}`);
  const TC = names.map((_, j) => `__rg_t${j}`);
  // Code tables and pairs of every QI (column j), on the release's server.
  const what = `${doing} (uploading the compatibility of the QIs)`;
  const dict = await put(
    rel,
    'lkd',
    [
      ['j', 'UInt32', releaseCode.flatMap((map, j) => [...map.keys()].map(() => j))],
      ['key', 'String', releaseCode.flatMap((map) => [...map.keys()])],
      ['code', 'Int32', releaseCode.flatMap((map) => [...map.values()])],
    ],
    what,
  );
  const pairsTable = await put(
    rel,
    'lkm',
    [
      ['j', 'UInt32', relations.flatMap((r, j) => r.pairs.map(() => j))],
      ['tc', 'Int32', relations.flatMap((r) => r.pairs.map((p) => p[0]))],
      ['rc', 'Int32', relations.flatMap((r) => r.pairs.map((p) => p[1]))],
    ],
    what,
  );
  const pairs = (j: number, tc = 'tc', rc = 'rc') =>
    `(SELECT tc${tc === 'tc' ? '' : ` AS ${tc}`}, rc${rc === 'rc' ? '' : ` AS ${rc}`} FROM ${pairsTable} WHERE j = ${j})`;
  // 2. Release classes with their codes.
  let classes = `SELECT ${relSelect}, count() AS ${N}, min(${rel.row}) AS ${FIRST} FROM ${rel.relation} GROUP BY ${K.join(', ')}`;
  // (Columns listed: with a subquery on the right, 18.16's `SELECT *` repeats the USING column.)
  for (let j = 0; j < m; j++)
    classes =
      `SELECT ${[...K, N, FIRST, ...C.slice(0, j + 1)].join(', ')} FROM (${classes}) ` +
      `ANY LEFT JOIN (SELECT key AS ${K[j]}, code AS ${C[j]} FROM ${dict} WHERE j = ${j}) USING ${K[j]}`;
  const cls = fresh('lkc');
  await rel.server.exec(
    `CREATE TABLE ${cls} ENGINE = MergeTree ORDER BY tuple() AS ${classes}`,
    `${doing} (the release's classes)`,
    rel.rowSettings,
  );
  const [[classCount]] = await rel.server.numbers(`SELECT count() FROM ${cls}`, doing);
  // 3. The sampled targets' codes and their true rows' codes.
  const tcodes = names.map(() => new Int32Array(T));
  const sample = await put(
    tgt,
    'lks',
    [['trow', 'UInt32', q.targetRows]],
    `${doing} (uploading the targets)`,
  );
  const posOf = new Map<number, number[]>();
  q.targetRows.forEach((r, t) => {
    const list = posOf.get(r);
    if (list) list.push(t);
    else posOf.set(r, [t]);
  });
  let seen = 0;
  const tgtSelect = names.map((c, j) => `${keyOf(tgt, c)} AS ${K[j]}`).join(', ');
  await readKeyed(
    tgt,
    rowsSql(tgt, tgtSelect, rowIn(sample)),
    m,
    `${doing} (the targets' values)`,
    (row, keys) => {
      for (const t of posOf.get(row) ?? []) {
        for (let j = 0; j < m; j++) tcodes[j][t] = code(targetCode[j], keys[j], tgt);
        seen++;
      }
    },
  );
  if (seen !== T)
    throw new ReidgateError(
      'ENGINE',
      `--engine clickhouse (${tgt.server.where}): ${seen} of ${T} sampled targets came back while ${doing}`,
    );
  const truthCodes = names.map(() => new Int32Array(T));
  const truthRows = [...new Set(Array.from(q.truth).filter((r) => r >= 0))];
  if (truthRows.length > 0) {
    const truthTable = await put(
      rel,
      'lkr',
      [['trow', 'UInt32', truthRows]],
      `${doing} (uploading the truth)`,
    );
    const byRow = new Map<number, number[]>();
    q.truth.forEach((r, t) => {
      if (r < 0) return;
      const list = byRow.get(r);
      if (list) list.push(t);
      else byRow.set(r, [t]);
    });
    await readKeyed(
      rel,
      rowsSql(rel, relSelect, rowIn(truthTable)),
      m,
      `${doing} (the true records' classes)`,
      (row, keys) => {
        for (const t of byRow.get(row) ?? [])
          for (let j = 0; j < m; j++) truthCodes[j][t] = code(releaseCode[j], keys[j], rel);
      },
    );
  }
  const compatible = relations.map((r) => new Set(r.pairs.map(([tc, rc]) => `${tc},${rc}`)));
  const truthInSet = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    if (q.truth[t] < 0) continue;
    let ok = 1;
    for (let j = 0; j < m && ok; j++) if (!compatible[j].has(`${tcodes[j][t]},${truthCodes[j][t]}`)) ok = 0;
    truthInSet[t] = ok;
  }
  // Blocking statistics from aggregates.
  const stats = [];
  for (const [j, r] of relations.entries()) {
    const byCode = await rel.server.numbers(`SELECT count() FROM ${cls} GROUP BY ${C[j]}`, doing);
    const perTarget = new Map<number, number>();
    for (const c of tcodes[j]) perTarget.set(c, (perTarget.get(c) ?? 0) + 1);
    stats.push(
      blockingStats(
        byCode.map(([n]) => n),
        classCount,
        r,
        perTarget,
        T,
      ),
    );
  }
  const plan = planBlocking(classCount, stats);
  const inKey = new Set(plan.fields);
  const rest = names.map((_, j) => j).filter((j) => !inKey.has(j));
  // 4. Candidates: the targets expanded through the blocking QIs' pairs, joined with the classes.
  const tg = await put(
    rel,
    'lkt',
    [
      [TID, 'UInt32', Int32Array.from({ length: T }, (_, t) => t)],
      ...names.map((_, j): Column => [TC[j], 'Int32', tcodes[j]]),
    ],
    `${doing} (uploading the targets' codes)`,
  );
  let expanded = `SELECT ${TID}, ${TC.join(', ')} FROM ${tg}`;
  const joined: string[] = [];
  for (const j of plan.fields) {
    joined.push(C[j]);
    expanded = `SELECT ${[TID, ...TC, ...joined].join(', ')} FROM (${expanded}) ALL INNER JOIN ${pairs(j, TC[j], C[j])} USING ${TC[j]}`;
  }
  const cand = fresh('lkx');
  await rel.server.exec(
    `CREATE TABLE ${cand} ENGINE = MergeTree ORDER BY tuple() AS SELECT ${TID}, ${FIRST}, ${N}` +
      rest.map((j) => `, ${TC[j]}, ${C[j]}`).join('') +
      ` FROM ${cls} ALL INNER JOIN (${expanded}) USING ${plan.fields.map((j) => C[j]).join(', ')}`,
    `${doing} (candidates)`,
  );
  const verified = `SELECT ${TID}, ${FIRST}, ${N} FROM ${cand}${
    rest.length === 0 ? '' : ` WHERE ${rest.map((j) => `(${TC[j]}, ${C[j]}) IN ${pairs(j)}`).join(' AND ')}`
  }`;
  const [[candidates]] = await rel.server.numbers(`SELECT count() FROM ${cand}`, doing);
  const [[compatiblePairs]] = await rel.server.numbers(`SELECT count() FROM (${verified})`, doing);
  return {
    rel,
    cls,
    K,
    relSelect,
    verified,
    classCount,
    truthInSet,
    blockingQis: plan.fields.map((j) => names[j]),
    details: {
      expectedBucketSize: plan.estimate,
      candidatePairs: candidates,
      compatiblePairs,
    },
    put,
    fresh,
    doing,
  };
}

/**
 * The first row of an --id column without a key or with a repeated key (as src/run/inputs.ts keyRows
 * finds it), without window functions: keys seen twice are found by a GROUP BY (on the shards, merged
 * on the coordinator), then the second row of each of them.
 */
export async function chKeyProblem(
  t: ClickHouseTable,
  column: string,
  role: EngineRole,
): Promise<KeyProblem | null> {
  const key = t.keys.get(column);
  if (key === undefined) throw new ReidgateError('INTERNAL', `clickhouse engine: no column ${column}`);
  const doing = `checking --id keys of the ${role}`;
  const rows = (where: string, tail: string) =>
    `SELECT ${ROW} FROM (${rowsSql(t, `${key} AS __rg_id`, where)}) ${tail}`;
  const none = await t.server.numbers(rows(`__rg_id = ''`, `ORDER BY ${ROW} LIMIT 1`), doing);
  const keyed = (where: string) => rowsSql(t, `${key} AS __rg_id`, `__rg_id != '' AND ${where}`);
  // Per repeated key: its first and second rows; the first offending row is the smallest second row.
  const repeated = `SELECT __rg_id FROM (${keyed('1')}) GROUP BY __rg_id HAVING count() > 1`;
  const dup = await t.server.numbers(
    `SELECT s[2], s[1] FROM (SELECT arraySort(groupArray(${ROW})) AS s FROM ` +
      `(${keyed(`__rg_id GLOBAL IN (${repeated})`)}) GROUP BY __rg_id) ORDER BY s[2] LIMIT 1`,
    doing,
  );
  const firstDup = dup.length > 0 ? dup[0][0] : Infinity;
  if (none.length > 0 && none[0][0] < firstDup) return { kind: 'none', row: none[0][0] };
  if (dup.length > 0) return { kind: 'repeated', first: dup[0][1], row: firstDup };
  return null;
}

/**
 * For the sampled target rows, the release rows with the same --id key: the targets' keys are read
 * by row number, uploaded to the release's server, and the release rows holding them come back.
 */
export async function chRowsById(
  engine: ClickHouseEngine,
  targetsRole: EngineRole,
  targetRows: Int32Array,
  column: string,
): Promise<Array<[number, number]>> {
  const rel = engine.tables.get('release')!;
  const tgt = engine.tables.get(targetsRole)!;
  const doing = 'joining the targets to the release by --id';
  const created: Array<[ClickHouseTable, string]> = [];
  try {
    const sample = await upload(engine, tgt, 'lks', [['trow', 'UInt32', targetRows]], doing);
    created.push([tgt, sample]);
    const rowsOfKey = new Map<string, number[]>();
    await readKeyed(
      tgt,
      rowsSql(tgt, `${tgt.keys.get(column)!} AS __rg_id`, rowIn(sample)),
      1,
      doing,
      (row, [key]) => {
        const list = rowsOfKey.get(key);
        if (list) list.push(row);
        else rowsOfKey.set(key, [row]);
      },
    );
    const keys = [...rowsOfKey.keys()];
    if (keys.length === 0) return [];
    const keyTable = await upload(engine, rel, 'lki', [['__rg_id', 'String', keys]], doing);
    created.push([rel, keyTable]);
    const out: Array<[number, number]> = [];
    await readKeyed(
      rel,
      rowsSql(
        rel,
        `${rel.keys.get(column)!} AS __rg_id`,
        `__rg_id GLOBAL IN (SELECT __rg_id FROM ${keyTable})`,
      ),
      1,
      doing,
      (row, [key]) => {
        for (const trow of rowsOfKey.get(key) ?? []) out.push([trow, row]);
      },
    );
    return out;
  } finally {
    for (const [t, name] of created)
      await t.server.exec(`DROP TABLE IF EXISTS ${name}`, 'dropping a scratch table').catch(() => {});
  }
}
