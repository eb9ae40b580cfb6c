/**
 * @module engine/open — a trial's engine: opening the DuckDB engine with the trial's inputs (the
 * ClickHouse engine: clickhouse-open.ts), and which attacks an engine can run.
 */
import type { Attack, AvailableInputs, LinkageInputs } from '../../attacks/types.js';
import { listNames, q, ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import type { Trial } from '../trial/schema.js';
import { DuckDbEngine } from './duckdb.js';
import { loadDuckEvents } from './duckdb-events.js';
import { addInput } from './duckdb-load.js';
import { duckLinkageInputs } from './duckdb-targets.js';
import { readHierarchies } from './linkage-targets.js';
import type { Engine, EngineRole } from './types.js';

/** An engine opened with a trial's inputs, and what the report says about them. */
export interface OpenedEngine {
  engine: Engine;
  info: Partial<Record<EngineRole, InputInfo>>;
  warnings: string[];
  /** Linkage targets and ground truth (with --original or --auxiliary), kept in the engine. */
  linkage?: LinkageInputs;
  /** Relational trials: the event files as the report describes them (`events.NAME.SIDE`). */
  eventInfo?: Record<string, InputInfo>;
}

/** Throws COLUMN naming the flag when the input lacks any of `names`. */
function requireColumns(info: InputInfo, names: readonly string[], flag: string, role: EngineRole): void {
  for (const n of names) {
    if (!info.columns.includes(n)) {
      throw new ReidgateError(
        'COLUMN',
        `${flag}: column ${q(n)} not in ${role} ${info.path} (columns: ${listNames(info.columns)})`,
      );
    }
  }
}

/**
 * Adds the trial's inputs with `add`, checking the columns the trial names as the local path does.
 * @param trial - the resolved trial
 * @param progress - called with each input's path as it loads
 * @param add - adds one input to the engine
 * @returns the inputs' report entries and loader warnings
 * @throws ReidgateError — input errors (exit 2) as the local loaders raise them; ENGINE (exit 3)
 */
export async function loadTrialInputs(
  trial: Trial,
  progress: (detail: string) => void,
  add: (role: EngineRole, path: string) => Promise<{ info: InputInfo; warnings: string[] }>,
): Promise<Omit<OpenedEngine, 'engine'>> {
  const qiNames = trial.qi.map((x) => x.name);
  const info: OpenedEngine['info'] = {};
  const warnings: string[] = [];
  for (const role of ['release', 'original', 'control', 'auxiliary'] as const) {
    const path = trial[role];
    if (!path) continue;
    progress(path);
    const added = await add(role, path);
    info[role] = added.info;
    warnings.push(...added.warnings);
    if (role === 'release') {
      requireColumns(added.info, qiNames, '--qi', role);
      requireColumns(
        added.info,
        trial.sensitive.map((x) => x.name),
        '--sensitive',
        role,
      );
      if (trial.id !== undefined) requireColumns(added.info, [trial.id], '--id', role);
      if (trial.weights !== undefined) requireColumns(added.info, [trial.weights], '--weights', role);
    } else if (role === 'auxiliary') {
      if (!qiNames.some((c) => added.info.columns.includes(c))) {
        throw new ReidgateError(
          'COLUMN',
          `--auxiliary ${path}: holds none of the quasi-identifiers ${listNames(qiNames)} (columns: ${listNames(added.info.columns)})`,
        );
      }
    } else {
      requireColumns(added.info, qiNames, '--qi', role);
    }
  }
  return { info, warnings };
}

/**
 * Opens the DuckDB engine and loads (or attaches) the trial's inputs into it. The engine is closed
 * again when anything fails.
 * @param trial - the resolved trial (engine `duckdb`)
 * @param progress - called with each input's path as it loads
 * @throws ReidgateError — input errors (exit 2) as the local loaders raise them; ENGINE (exit 3)
 */
export async function openDuckDbTrial(
  trial: Trial,
  progress: (detail: string) => void,
): Promise<OpenedEngine> {
  const engine = await DuckDbEngine.open({
    memoryLimit: trial.memoryLimit,
    threads: trial.workers,
    wildcard: trial.wildcard,
    hierarchies: readHierarchies(trial),
  });
  try {
    const opts = { missing: trial.missing, delimiter: trial.delimiter };
    const loaded = await loadTrialInputs(trial, progress, (role, path) => addInput(engine, role, path, opts));
    const linkage = await duckLinkageInputs(engine, trial, loaded.info);
    if (!trial.events?.length || trial.key === undefined) return { engine, ...loaded, linkage };
    const events = await loadDuckEvents(engine, trial, opts, progress);
    engine.relational = events.relational;
    return {
      engine,
      ...loaded,
      warnings: [...loaded.warnings, ...events.warnings],
      linkage,
      eventInfo: events.info,
    };
  } catch (e) {
    await engine.close();
    throw e;
  }
}

/**
 * Why an attack cannot run on an engine, or null when it can: on the local engine every attack runs;
 * elsewhere only attacks that count through engine operations the engine answers, and whose options
 * need nothing else (`attack.engineNeeds`). The run treats an attack skipped for this reason, whose
 * inputs were given, as asked for: the verdict fails closed.
 * @param engine - the trial's engine
 * @param attack - the attack
 * @param inputs - the trial's inputs (for an attack whose pushdown depends on them)
 * @param options - the attack's options (`--option ID.KEY=VALUE`)
 * @returns the reason to skip it, or null
 */
export function engineSkipReason(
  engine: Engine,
  attack: Attack,
  inputs?: AvailableInputs,
  options?: Readonly<Record<string, unknown>>,
): string | null {
  if (engine.name === 'local') return null;
  const ops = attack.engine ?? [];
  if (ops.length > 0 && ops.every((op) => engine.ops.has(op)))
    return (inputs && attack.engineNeeds?.(inputs, engine.name, options)) ?? null;
  return `not yet available on --engine ${engine.name} (its counting is not pushed down to the engine): run it with --engine local, or leave it out with --attacks`;
}
