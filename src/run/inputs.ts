/**
 * @module run/inputs — a trial's inputs loaded, checked against each other and encoded jointly.
 *
 * Everything here runs before any output is written, so every problem is an input error (exit 2).
 */
import { readFileSync } from 'node:fs';
import type { Channel, LinkageInputs } from '../../attacks/types.js';
import { parseHierarchy } from '../encode/generalized.js';
import { encodeJoint, type JointEncoding, type JointSpec } from '../encode/joint.js';
import type { EncodedTable } from '../encode/types.js';
import { keyError, sampleTargets } from '../engine/linkage-targets.js';
import { listNames, q, ReidgateError } from '../errors.js';
import { loadTable } from '../io/index.js';
import type { LoadedTable } from '../io/types.js';
import { loadPersonView } from '../relational/load.js';
import type { PersonView } from '../relational/person-view.js';
import type { Trial } from '../trial/schema.js';
import { resolveRandomization } from './randomization.js';

export type Role = 'release' | 'original' | 'control' | 'auxiliary';

export interface TrialInputs {
  loaded: Partial<Record<Role, LoadedTable>>;
  encoded: Partial<Record<Role, EncodedTable>> & { release: EncodedTable };
  joint: JointEncoding;
  linkage?: LinkageInputs;
  /** Declared randomization by column, checked against the inputs. */
  randomization?: Map<string, Channel>;
  /** Relational trials: the person view and the event files (report inputs `events.NAME.ROLE`). */
  persons?: PersonView;
  eventFiles: Record<string, LoadedTable>;
}

function columnsOf(t: LoadedTable): string[] {
  return t.table.schema.fields.map((f) => f.name);
}

/** Throws COLUMN naming the flag when `t` lacks any of `names`. */
function requireColumns(t: LoadedTable, names: readonly string[], flag: string, role: Role): void {
  const cols = columnsOf(t);
  for (const n of names) {
    if (!cols.includes(n)) {
      throw new ReidgateError(
        'COLUMN',
        `${flag}: column ${q(n)} not in ${role} ${t.path} (columns: ${listNames(cols)})`,
      );
    }
  }
}

function readHierarchy(path: string, qi: string) {
  try {
    return parseHierarchy(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new ReidgateError('INPUT_NOT_FOUND', `--hierarchy ${qi}=${path}: cannot read the file`);
  }
}

/** Maps key values of a column to row numbers; duplicate keys are an input error. */
function keyRows(t: LoadedTable, col: string, role: Role): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  for (const v of t.table.getChild(col)!) {
    if (v === null || v === undefined) throw keyError(col, role, { kind: 'none', row: i });
    const k = String(v);
    const prev = out.get(k);
    if (prev !== undefined) throw keyError(col, role, { kind: 'repeated', first: prev, row: i });
    out.set(k, i++);
  }
  return out;
}

/** Whether the trial runs the inference attack (asked for, or every attack by default). */
function plansInference(trial: Trial): boolean {
  return trial.sensitive.length > 0 && (trial.attacks === undefined || trial.attacks.includes('inference'));
}

/**
 * Loads and checks a trial's inputs.
 * @throws ReidgateError (exit 2) for missing files or columns, inconsistent ground truth, bad targets
 */
export async function loadInputs(trial: Trial, progress: (detail: string) => void): Promise<TrialInputs> {
  const opts = { missing: trial.missing, delimiter: trial.delimiter };
  const qiNames = trial.qi.map((x) => x.name);
  const sensNames = trial.sensitive.map((x) => x.name);
  progress(trial.release);
  const release = await loadTable(trial.release, { ...opts, role: '--release' });
  requireColumns(release, qiNames, '--qi', 'release');
  requireColumns(release, sensNames, '--sensitive', 'release');
  const loaded: TrialInputs['loaded'] = { release };
  for (const role of ['original', 'control', 'auxiliary'] as const) {
    const path = trial[role];
    if (!path) continue;
    progress(path);
    const t = await loadTable(path, { ...opts, role: `--${role}` });
    if (role === 'auxiliary') {
      if (!qiNames.some((c) => columnsOf(t).includes(c))) {
        throw new ReidgateError(
          'COLUMN',
          `--auxiliary ${t.path}: holds none of the quasi-identifiers ${listNames(qiNames)} (columns: ${listNames(columnsOf(t))})`,
        );
      }
    } else {
      requireColumns(t, qiNames, '--qi', role);
      // The inference attack checks its guesses against the members' (original) and non-members'
      // (control) secrets: a missing one is an input error, caught before any attack runs.
      if (plansInference(trial)) requireColumns(t, sensNames, '--sensitive', role);
    }
    loaded[role] = t;
  }
  const prepared = encodeInputs(trial, loaded);
  let persons: PersonView | undefined;
  let eventFiles: Record<string, LoadedTable> = {};
  if (trial.events && trial.key !== undefined) {
    const r = await loadPersonView(
      trial.key,
      trial.events,
      { release, original: loaded.original },
      { ...opts, suppressed: new Set(['*', ...trial.wildcard]), progress },
    );
    persons = r.view;
    eventFiles = r.loaded;
  }
  return { ...prepared, persons, eventFiles };
}

/** A linkage sample fixed by the caller (rows of the given targets' table, truth as release rows). */
export type LinkageSample = Pick<LinkageInputs, 'targetRows' | 'truth' | 'groundTruth'>;

/**
 * Checks loaded inputs against each other and encodes them jointly: --id and --aligned ground
 * truth, the seeded linkage targets, declared randomization. Also used for tables fetched from an
 * engine (src/engine/fetch-local.ts), which then encode exactly as the files would.
 * @param trial - the resolved trial
 * @param loaded - the tables by role (the release at least)
 * @param sample - a linkage sample to use instead of drawing one (rows of `loaded`'s targets' table)
 * @throws ReidgateError (exit 2) for inconsistent ground truth and bad targets
 */
export function encodeInputs(
  trial: Trial,
  loaded: Partial<Record<Role, LoadedTable>>,
  sample?: LinkageSample,
): Omit<TrialInputs, 'persons' | 'eventFiles'> {
  const qiNames = trial.qi.map((x) => x.name);
  const sensNames = trial.sensitive.map((x) => x.name);
  const release = loaded.release!;
  if (trial.id !== undefined) {
    if (qiNames.includes(trial.id) || sensNames.includes(trial.id)) {
      throw new ReidgateError(
        'USAGE',
        `--id ${q(trial.id)}: the ground-truth key cannot also be a quasi-identifier or sensitive attribute`,
      );
    }
    requireColumns(release, [trial.id], '--id', 'release');
    const targetsRole: Role | undefined = loaded.auxiliary
      ? 'auxiliary'
      : loaded.original
        ? 'original'
        : undefined;
    if (!targetsRole)
      throw new ReidgateError('USAGE', '--id: needs --original or --auxiliary to hold the targets');
    requireColumns(loaded[targetsRole]!, [trial.id], '--id', targetsRole);
  }
  if (trial.aligned) {
    if (trial.id !== undefined)
      throw new ReidgateError('USAGE', '--aligned and --id: give one kind of ground truth, not both');
    const o = loaded.auxiliary ?? loaded.original;
    if (!o)
      throw new ReidgateError(
        'USAGE',
        '--aligned: needs --original (row i of the release was made from its row i)',
      );
    if (!sample && o.table.numRows !== release.table.numRows) {
      throw new ReidgateError(
        'USAGE',
        `--aligned: the release has ${release.table.numRows} rows but ${o.path} has ${o.table.numRows}; aligned files have equal row counts`,
      );
    }
  }

  const wildcards = new Set(trial.wildcard);
  const specs: JointSpec[] = [
    ...trial.qi.map((x) => ({
      name: x.name,
      kind: x.kind,
      wildcards,
      hierarchy: x.hierarchy ? readHierarchy(x.hierarchy, x.name) : undefined,
      hierarchySource: x.hierarchy,
    })),
    ...trial.sensitive.map((x) => ({ name: x.name, kind: x.kind })),
  ];
  const joint = encodeJoint(
    new Map(
      Object.entries(loaded).map(([role, t]) => [role, { table: t.table, label: `--${role} ${t.path}` }]),
    ),
    specs,
  );
  const encoded = Object.fromEntries(joint.tables) as TrialInputs['encoded'];
  const randomization = resolveRandomization(trial, encoded);

  let linkage: LinkageInputs | undefined;
  const targetsRole: Role | undefined = loaded.auxiliary
    ? 'auxiliary'
    : loaded.original
      ? 'original'
      : undefined;
  if (targetsRole && sample) {
    linkage = {
      targetsRole,
      targets: encoded[targetsRole]!,
      ...sample,
      knownQi: qiNames.filter((c) => columnsOf(loaded[targetsRole]!).includes(c)),
      compat: joint.compat,
      compatUnknownAsGeneralized: joint.compatUnknownAsGeneralized,
    };
  } else if (targetsRole) {
    const tt = loaded[targetsRole]!;
    const n = tt.table.numRows;
    const targetRows = sampleTargets(trial, n, `--${targetsRole} ${tt.path}`);
    const truth = new Int32Array(targetRows.length).fill(-1);
    let groundTruth: LinkageInputs['groundTruth'] = 'none';
    if (trial.aligned) {
      groundTruth = 'aligned';
      truth.set(targetRows);
    } else if (trial.id !== undefined) {
      groundTruth = 'id';
      const rel = keyRows(release, trial.id, 'release');
      const ids = keyRows(tt, trial.id, targetsRole);
      const keyOfRow = new Array<string>(n);
      for (const [key, row] of ids) keyOfRow[row] = key;
      targetRows.forEach((r, t) => {
        truth[t] = rel.get(keyOfRow[r]) ?? -1;
      });
    }
    linkage = {
      targetsRole,
      targets: encoded[targetsRole]!,
      targetRows,
      truth,
      groundTruth,
      knownQi: qiNames.filter((c) => columnsOf(tt).includes(c)),
      compat: joint.compat,
      compatUnknownAsGeneralized: joint.compatUnknownAsGeneralized,
    };
  }
  return { loaded, encoded, joint, linkage, randomization };
}
