/**
 * @module engine/duckdb-targets — a trial's linkage targets and ground truth on the DuckDB engine,
 * as src/run/inputs.ts makes them on the local path: the same seeded sample of target rows, the
 * truth from --aligned or from --id keys (joined in SQL: only the sampled targets' true rows come
 * back), the same input checks and messages (exit 2). The targets' table stays in DuckDB: the
 * returned LinkageInputs holds no encoded columns and no compatibility relation (exact linkage builds
 * its own from distinct values, duckdb-linkage.ts).
 */
import { readFileSync } from 'node:fs';
import type { LinkageInputs } from '../../attacks/types.js';
import { parseHierarchy } from '../encode/generalized.js';
import { q, ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import { deriveSeed, rng, sampleIndices } from '../stats/random.js';
import type { Trial } from '../trial/schema.js';
import type { DuckDbEngine, DuckTable } from './duckdb.js';
import type { Hierarchies } from './duckdb-linkage.js';
import { ident } from './duckdb-sql.js';
import type { EngineRole } from './types.js';

/**
 * The trial's --hierarchy files, read and parsed as the local path reads them.
 * @throws ReidgateError('INPUT_NOT_FOUND') when a file cannot be read
 */
export function readHierarchies(trial: Trial): Hierarchies {
  const out = new Map<string, { map: Map<string, Set<string>>; source: string }>();
  for (const x of trial.qi) {
    if (!x.hierarchy) continue;
    let text: string;
    try {
      text = readFileSync(x.hierarchy, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      throw new ReidgateError(
        'INPUT_NOT_FOUND',
        `--hierarchy ${x.name}=${x.hierarchy}: cannot read the file`,
      );
    }
    out.set(x.name, { map: parseHierarchy(text), source: x.hierarchy });
  }
  return out;
}

/** A key column's first problem in row order: a row without a key, or a row repeating an earlier key. */
export type KeyProblem = { row: number; first?: number } | null;

/**
 * The first row (0-based) of `t` whose key `col` is missing (`first` undefined) or repeats an earlier
 * row's key (`first`: that row), or null: what a loader walking the rows would stop at.
 * @throws ReidgateError('ENGINE') on engine failure
 */
export async function firstKeyProblem(
  engine: DuckDbEngine,
  t: DuckTable,
  col: string,
  doing: string,
): Promise<KeyProblem> {
  const key = `CAST(t.${ident(col)} AS VARCHAR)`;
  const rows = `(SELECT ${t.row} AS __rg_row, ${key} AS k FROM ${t.relation} AS t)`;
  const [[none]] = await engine.all(`SELECT min(__rg_row)::DOUBLE FROM ${rows} WHERE k IS NULL`, doing);
  const dup = await engine.all(
    `SELECT __rg_row::DOUBLE, first::DOUBLE FROM (SELECT __rg_row, min(__rg_row) OVER (PARTITION BY k) AS first FROM ${rows} WHERE k IS NOT NULL) ` +
      'WHERE __rg_row > first ORDER BY __rg_row LIMIT 1',
    doing,
  );
  const firstDup = dup.length > 0 ? (dup[0][0] as number) : Infinity;
  if (none !== null && (none as number) < firstDup) return { row: none as number };
  return dup.length > 0 ? { row: firstDup, first: dup[0][1] as number } : null;
}

/** Throws INPUT_PARSE, as src/run/inputs.ts keyRows does, for a missing or repeated --id key. */
async function checkKeys(engine: DuckDbEngine, t: DuckTable, col: string, role: EngineRole): Promise<void> {
  const p = await firstKeyProblem(engine, t, col, `checking --id keys of the ${role}`);
  if (!p) return;
  if (p.first === undefined)
    throw new ReidgateError('INPUT_PARSE', `--id ${q(col)}: row ${p.row + 1} of the ${role} has no key`);
  throw new ReidgateError(
    'INPUT_PARSE',
    `--id ${q(col)}: rows ${p.first + 1} and ${p.row + 1} of the ${role} share a key; keys must be unique`,
  );
}

/**
 * The linkage targets of a trial on the DuckDB engine, or undefined without --original/--auxiliary.
 * @param engine - the engine with the trial's tables loaded
 * @param trial - the resolved trial
 * @param info - the inputs as the report describes them (paths for messages)
 * @throws ReidgateError (exit 2) as src/run/inputs.ts: --targets too large, --id / --aligned misuse,
 *   missing or repeated keys; ENGINE (exit 3) on engine failure
 */
export async function duckLinkageInputs(
  engine: DuckDbEngine,
  trial: Trial,
  info: Partial<Record<EngineRole, InputInfo>>,
): Promise<LinkageInputs | undefined> {
  const targetsRole = engine.tables.has('auxiliary')
    ? 'auxiliary'
    : engine.tables.has('original')
      ? 'original'
      : undefined;
  const qiNames = trial.qi.map((x) => x.name);
  const sensNames = trial.sensitive.map((x) => x.name);
  if (trial.id !== undefined) {
    if (qiNames.includes(trial.id) || sensNames.includes(trial.id)) {
      throw new ReidgateError(
        'USAGE',
        `--id ${q(trial.id)}: the ground-truth key cannot also be a quasi-identifier or sensitive attribute`,
      );
    }
    if (!targetsRole)
      throw new ReidgateError('USAGE', '--id: needs --original or --auxiliary to hold the targets');
    const cols = engine.tables.get(targetsRole)!.columns;
    if (!cols.includes(trial.id)) {
      throw new ReidgateError(
        'COLUMN',
        `--id: column ${q(trial.id)} not in ${targetsRole} ${info[targetsRole]?.path ?? ''} (columns: ${cols.join(', ')})`,
      );
    }
  }
  if (trial.aligned) {
    if (trial.id !== undefined)
      throw new ReidgateError('USAGE', '--aligned and --id: give one kind of ground truth, not both');
    if (!targetsRole)
      throw new ReidgateError(
        'USAGE',
        '--aligned: needs --original (row i of the release was made from its row i)',
      );
    if (engine.rows(targetsRole) !== engine.rows('release')) {
      throw new ReidgateError(
        'USAGE',
        `--aligned: the release has ${engine.rows('release')} rows but ${info[targetsRole]?.path} has ${engine.rows(targetsRole)}; aligned files have equal row counts`,
      );
    }
  }
  if (!targetsRole) return undefined;
  const tt = engine.tables.get(targetsRole)!;
  const n = tt.rows;
  const k = trial.targets ?? Math.min(n, 10_000);
  if (k > n) {
    throw new ReidgateError(
      'USAGE',
      `--targets ${k}: more targets than the ${n} records of --${targetsRole} ${info[targetsRole]?.path}`,
    );
  }
  const targetRows = sampleIndices(n, k, rng(deriveSeed(trial.seed, 'targets')));
  const truth = new Int32Array(k).fill(-1);
  let groundTruth: LinkageInputs['groundTruth'] = 'none';
  if (trial.aligned) {
    groundTruth = 'aligned';
    truth.set(targetRows);
  } else if (trial.id !== undefined) {
    groundTruth = 'id';
    const rel = engine.tables.get('release')!;
    await checkKeys(engine, rel, trial.id, 'release');
    await checkKeys(engine, tt, trial.id, targetsRole);
    // The sampled rows as a list literal (at most the targets' rows; --targets bounds it).
    const list = `[${Array.from(targetRows).join(',')}]`;
    const id = ident(trial.id);
    const hits = await engine.all(
      `SELECT s.trow::DOUBLE, r.__rg_row::DOUBLE FROM ` +
        `(SELECT ${tt.row} AS __rg_row, CAST(t.${id} AS VARCHAR) AS k FROM ${tt.relation} AS t) AS s0 ` +
        `JOIN (SELECT unnest(${list}) AS trow) AS s ON s.trow = s0.__rg_row ` +
        `JOIN (SELECT ${rel.row} AS __rg_row, CAST(t.${id} AS VARCHAR) AS k FROM ${rel.relation} AS t) AS r ON r.k = s0.k`,
      'joining the targets to the release by --id',
    );
    const pos = new Map<number, number>();
    targetRows.forEach((r, t) => {
      pos.set(r, t);
    });
    for (const [trow, row] of hits) truth[pos.get(trow as number)!] = row as number;
  }
  return {
    targetsRole,
    targets: { rows: n, columns: new Map(), dictionaries: new Map() },
    targetRows,
    truth,
    groundTruth,
    knownQi: qiNames.filter((c) => tt.columns.includes(c)),
    compat: new Map(),
  };
}
