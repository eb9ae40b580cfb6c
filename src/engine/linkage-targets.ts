/**
 * @module engine/linkage-targets — a trial's linkage targets and ground truth on an SQL engine
 * (duckdb, clickhouse), as src/run/inputs.ts makes them on the local path: the same seeded sample of
 * target rows (`sampleTargets`, shared with the local path), the truth from --aligned or from --id
 * keys, the same input checks and messages (exit 2). The engine answers the two questions that
 * read rows — are a column's keys present and unique, and which release rows hold the sampled
 * targets' keys — in its own SQL (duckdb-targets.ts, clickhouse-linkage.ts); only the sampled
 * targets' true rows come back. The returned LinkageInputs holds no encoded columns and no
 * compatibility relation (exact linkage builds its own from distinct values, linkage-relation.ts).
 */
import { readFileSync } from 'node:fs';
import type { LinkageInputs } from '../../attacks/types.js';
import { parseHierarchy } from '../encode/generalized.js';
import { q, ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import { deriveSeed, rng, sampleIndices } from '../stats/random.js';
import type { Trial } from '../trial/schema.js';
import type { Hierarchies } from './linkage-relation.js';
import type { Engine, EngineRole } from './types.js';

/**
 * The seeded sample of target rows (--targets, default min(rows, 10,000)), on every engine.
 * @param trial - the trial (seed, --targets)
 * @param rows - rows of the targets' table
 * @param label - the targets' flag and path, for the message
 * @throws ReidgateError('USAGE') when --targets exceeds the rows
 */
export function sampleTargets(
  trial: Pick<Trial, 'seed' | 'targets'>,
  rows: number,
  label: string,
): Int32Array {
  const k = trial.targets ?? Math.min(rows, 10_000);
  if (k > rows)
    throw new ReidgateError('USAGE', `--targets ${k}: more targets than the ${rows} records of ${label}`);
  return sampleIndices(rows, k, rng(deriveSeed(trial.seed, 'targets')));
}

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

/** The first problem of an --id key column, in row order: a row without a key, or a repeated key. */
export type KeyProblem = { kind: 'none'; row: number } | { kind: 'repeated'; first: number; row: number };

/**
 * The input error for a key problem (the local loader's message, src/run/inputs.ts keyRows).
 * @param problem - rows are 0-based
 */
export function keyError(col: string, role: string, problem: KeyProblem): ReidgateError {
  return problem.kind === 'none'
    ? new ReidgateError('INPUT_PARSE', `--id ${q(col)}: row ${problem.row + 1} of the ${role} has no key`)
    : new ReidgateError(
        'INPUT_PARSE',
        `--id ${q(col)}: rows ${problem.first + 1} and ${problem.row + 1} of the ${role} share a key; keys must be unique`,
      );
}

/** What an SQL engine answers for the targets and their ground truth. */
export interface TargetSource {
  engine: Engine;
  /** The input's columns, when the role was given. */
  columns(role: EngineRole): readonly string[] | undefined;
  /** The first row without a key or with a key seen before (null: keys present and unique). */
  keyProblem(role: EngineRole, column: string): Promise<KeyProblem | null>;
  /**
   * For the sampled target rows (of `targetsRole`), the release rows holding the same key of `column`.
   * @returns (target row, release row) pairs
   */
  rowsById(targetsRole: EngineRole, targetRows: Int32Array, column: string): Promise<Array<[number, number]>>;
}

/**
 * The linkage targets of a trial on an SQL engine, or undefined without --original/--auxiliary.
 * @param src - the engine's tables and its answers about keys
 * @param trial - the resolved trial
 * @param info - the inputs as the report describes them (paths for messages)
 * @throws ReidgateError (exit 2) as src/run/inputs.ts: --targets too large, --id / --aligned misuse,
 *   missing or repeated keys; ENGINE (exit 3) on engine failure
 */
export async function engineLinkageInputs(
  src: TargetSource,
  trial: Trial,
  info: Partial<Record<EngineRole, InputInfo>>,
): Promise<LinkageInputs | undefined> {
  const { engine } = src;
  const targetsRole = src.columns('auxiliary')
    ? 'auxiliary'
    : src.columns('original')
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
    const cols = src.columns(targetsRole)!;
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
  const n = engine.rows(targetsRole);
  const targetRows = sampleTargets(trial, n, `--${targetsRole} ${info[targetsRole]?.path}`);
  const truth = new Int32Array(targetRows.length).fill(-1);
  let groundTruth: LinkageInputs['groundTruth'] = 'none';
  if (trial.aligned) {
    groundTruth = 'aligned';
    truth.set(targetRows);
  } else if (trial.id !== undefined) {
    groundTruth = 'id';
    for (const role of ['release', targetsRole] as const) {
      const problem = await src.keyProblem(role, trial.id);
      if (problem) throw keyError(trial.id, role, problem);
    }
    const pos = new Map<number, number>();
    targetRows.forEach((r, t) => {
      pos.set(r, t);
    });
    for (const [trow, row] of await src.rowsById(targetsRole, targetRows, trial.id))
      truth[pos.get(trow)!] = row;
  }
  return {
    targetsRole,
    targets: { rows: n, columns: new Map(), dictionaries: new Map() },
    targetRows,
    truth,
    groundTruth,
    knownQi: qiNames.filter((c) => src.columns(targetsRole)!.includes(c)),
    compat: new Map(),
  };
}
