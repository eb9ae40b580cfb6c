/**
 * @module engine/fetch-local — attacks that do not reduce to SQL (linkage's distance and
 * Fellegi–Sunter methods, membership scores, Anonymeter's singling-out and inference) on an engine other than local: the rows they need are
 * fetched from the engine (`fetchRows`) as Arrow tables of released strings, encoded jointly exactly
 * as files are (src/run/inputs.ts encodeInputs), and the attack's local kernels run on them unchanged.
 *
 * Two plans, and the report says which ran:
 * - complete: every table of the trial holds at most `bound` rows (`--option ATTACK.fetchRows`,
 *   default 1,000,000): all rows are fetched, the attack sees what it sees on --engine local, and its
 *   figures are the same (the same seeded targets, the same encodings).
 * - blocked (linkage only): the seeded target sample (the same rows as on --engine local) and, of the
 *   release, only the rows in the targets' blocks: rows compatible with some target on the blocking
 *   columns under exact linkage's relation (src/engine/compatible-block.ts: equal, a generalization
 *   covering the target's value — interval, coarser date, mask, hierarchy ancestor, suppression — or
 *   a --wildcard token; a target's unknown value rules nothing out), so a release generalized on
 *   every QI still has blocks. The blocking columns: `--option linkage.blockOn=A,B`, or by default
 *   the single known QI whose blocks hold the most release rows within the bound (the nearest to the
 *   complete release), or, when no single QI fits, the smallest block refined greedily column by
 *   column (up to four). Block sizes are counted by the engine from the release's distinct values
 *   (tupleCounts), before any row is fetched. Every figure is then computed against the candidate
 *   rows only: a nearest neighbour or best-weight record found in a block need not be the release's,
 *   a target whose true record is outside its block cannot be re-identified and counts as absent
 *   from the release, distance scales and Fellegi–Sunter's u come from the candidates, and
 *   linkability (which needs the whole of --original and --control) is not tested, nor, in a
 *   relational trial, sparse linkage (which counts through the engine, `ctx.eventEngine`, whose
 *   patient rows the blocked rows are not). The figures are approximations whose direction is not
 *   known, so the run marks the attack approximate and the verdict cannot pass on it. (Exact
 *   linkage's own sets are those of the candidates too; run `--option linkage.methods=exact` alone
 *   for its figures on the whole release, pushed down as SQL.)
 * Membership needs the closest record of the whole release for every target, singling-out and
 * inference the whole of every input; above the bound they are not run (skipped, failing closed),
 * never approximated. On ClickHouse (no linkage inputs kept by the
 * engine) the run draws the same seeded sample itself (src/run/run-trial.ts), with --aligned or no
 * ground truth; with --id the blocked plan is DuckDB's only.
 */
import type { LinkageInputs } from '../../attacks/types.js';
import { q, ReidgateError } from '../errors.js';
import type { LoadedTable } from '../io/types.js';
import type { InputInfo } from '../report/model.js';
import { encodeInputs, type Role, type TrialInputs } from '../run/inputs.js';
import type { Trial } from '../trial/schema.js';
import { chooseBlocking } from './compatible-block.js';
import type { Engine, FetchedRows } from './types.js';

/** Default bound on the rows of a table fetched whole (`--option ATTACK.fetchRows`). */
export const DEFAULT_FETCH_ROWS = 1_000_000;

/** Inputs fetched from the engine, and what the report says about them. */
export interface FetchedInputs {
  inputs: Omit<TrialInputs, 'persons' | 'eventFiles'>;
  /** For the report's details (`details.sampled`): the plan and its figures (no record values). */
  sampled: Record<string, unknown>;
  /** A sentence for the attack's method note. */
  note: string;
  /** Set when the figures are approximate: why (the run then cannot pass on this attack). */
  approximate?: string;
}

/** Columns of a role to fetch: the trial's QIs, sensitive attributes and --id key it holds. */
function columnsFor(trial: Trial, info: InputInfo): string[] {
  const want = [...trial.qi.map((x) => x.name), ...trial.sensitive.map((x) => x.name)];
  if (trial.id !== undefined) want.push(trial.id);
  return [...new Set(want)].filter((c) => info.columns.includes(c));
}

/** A fetched table as the loaders' LoadedTable (the input's path and format, for messages). */
function asLoaded(info: InputInfo, f: FetchedRows): LoadedTable {
  return {
    path: info.path,
    format: info.format as LoadedTable['format'],
    table: f.table,
    sha256: info.sha256,
    bytes: info.bytes ?? 0,
    warnings: [],
  };
}

/** The bound from an attack's options, checked. */
export function fetchBound(attack: string, options: Readonly<Record<string, unknown>> | undefined): number {
  const v = options?.fetchRows ?? DEFAULT_FETCH_ROWS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ReidgateError(
      'USAGE',
      `--option ${attack}.fetchRows=${q(v)}: must be a whole number of at least 1`,
    );
  return v;
}

/**
 * Fetches every table of the trial whole, when each holds at most `bound` rows.
 * @returns the inputs, or null when a table is larger than the bound
 * @throws ReidgateError (exit 2) as encodeInputs; ENGINE when the engine fails
 */
export async function fetchComplete(
  engine: Engine,
  trial: Trial,
  info: Partial<Record<Role, InputInfo>>,
  bound: number,
): Promise<FetchedInputs | null> {
  const roles = (['release', 'original', 'control', 'auxiliary'] as const).filter((r) => info[r]);
  if (roles.some((r) => engine.rows(r) > bound)) return null;
  const loaded: Partial<Record<Role, LoadedTable>> = {};
  for (const role of roles) {
    const f = await engine.fetchRows!({ role, columns: columnsFor(trial, info[role]!) });
    loaded[role] = asLoaded(info[role]!, f);
  }
  const rows = Object.fromEntries(roles.map((r) => [r, engine.rows(r)]));
  return {
    inputs: encodeInputs(trial, loaded),
    sampled: { plan: 'complete', bound, rows },
    note: `Run on --engine ${engine.name} by fetching every row of ${roles.join(', ')} (each at most ${bound} rows, the attack's --option fetchRows) and running the local kernels: the figures are those of --engine local.`,
  };
}

/** Position of `row` in the ascending `rows`, or -1. */
function positionOf(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] === row) return mid;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Linkage above the bound: the seeded target sample and the release rows in its blocks.
 * @param lk - the engine's linkage inputs (its seeded sample and truth, as on --engine local)
 * @param blockOn - blocking columns given by --option linkage.blockOn, or undefined (chosen here)
 * @returns the inputs, or a reason not to run (no blocking fits under the bound)
 * @throws ReidgateError('USAGE') for a blocking column the attacker does not know
 */
export async function fetchBlocked(
  engine: Engine,
  trial: Trial,
  info: Partial<Record<Role, InputInfo>>,
  lk: LinkageInputs,
  bound: number,
  blockOn: readonly string[] | undefined,
): Promise<FetchedInputs | string> {
  const role = lk.targetsRole;
  for (const c of blockOn ?? []) {
    if (!lk.knownQi.includes(c))
      throw new ReidgateError(
        'USAGE',
        `--option linkage.blockOn: ${q(c)} is not a quasi-identifier of both the release and --${role} (known: ${lk.knownQi.join(', ')})`,
      );
  }
  // The targets first: their values choose the blocking (compatible-block.ts).
  const targets = await engine.fetchRows!({
    role,
    columns: columnsFor(trial, info[role]!),
    rows: lk.targetRows,
  });
  const { chosen, tried } = await chooseBlocking(engine, trial, info, lk, targets, bound, blockOn);
  if (!chosen) {
    const list = tried.map(([c, n]) => `${c.join('+')}: ${n}`).join(', ');
    return `the release has ${engine.rows('release')} rows, more than --option linkage.fetchRows=${bound}, and no blocking of the ${lk.targetRows.length} targets fits under it with at least one candidate (release rows compatible with some target, by blocking columns: ${list}): raise the bound, give --option linkage.blockOn=COLUMNS, or use --option linkage.methods=exact`;
  }
  const on = chosen.on;
  const release = await engine.fetchRows!({
    role: 'release',
    columns: columnsFor(trial, info.release!),
    block: { on, keys: chosen.keys },
  });
  if (release.rows.length !== chosen.rows)
    throw new ReidgateError(
      'ENGINE',
      `--engine ${engine.name}: ${release.rows.length} release rows came back for a block of ${chosen.rows} rows`,
    );
  const truth = Int32Array.from(lk.truth, (r) => (r >= 0 ? positionOf(release.rows, r) : -1));
  const inRelease = lk.truth.filter((r) => r >= 0).length;
  const inBlock = truth.filter((r) => r >= 0).length;
  const inputs = encodeInputs(
    trial,
    { release: asLoaded(info.release!, release), [role]: asLoaded(info[role]!, targets) },
    {
      targetRows: Int32Array.from(lk.targetRows, (_, i) => i),
      truth,
      groundTruth: lk.groundTruth,
    },
  );
  const sampled = {
    plan: 'blocked',
    bound,
    releaseRows: engine.rows('release'),
    targets: lk.targetRows.length,
    targetsOf: engine.rows(role),
    blockOn: on,
    blockChosen: blockOn
      ? 'option'
      : on.length === 1
        ? 'the known QI whose blocks hold the most release rows within the bound'
        : 'no single known QI fits the bound: the smallest block refined greedily, column by column',
    blocking: 'compatible (generalizations and wildcards understood, as exact linkage)',
    candidatesByBlocking: Object.fromEntries(tried.map(([c, n]) => [c.join('+'), n])),
    candidateRows: release.rows.length,
    ...(lk.groundTruth !== 'none' ? { trueRecordInRelease: inRelease, trueRecordInBlock: inBlock } : {}),
    notTested:
      'linkability (needs the whole --original and --control); sparse linkage of relational trials (the blocked rows are not the engine’s person rows)',
  };
  const approximate = `linkage ran on a blocked sample (${release.rows.length} of ${engine.rows('release')} release rows, in the blocks on ${on.join(', ')} of ${lk.targetRows.length} seeded targets): its figures are approximations of unknown direction`;
  return {
    inputs,
    sampled,
    approximate,
    note:
      `APPROXIMATE: run on --engine ${engine.name} on a blocked sample, not the whole release (more than ${bound} rows, --option linkage.fetchRows): ` +
      `the ${lk.targetRows.length} seeded targets (the same as on --engine local) were compared only with the ${release.rows.length} of ${engine.rows('release')} release rows compatible with some target on ${on.join(', ')} (blocking: a released value equal to the target's, a generalization covering it${trial.wildcard.length > 0 ? ' or a wildcard token' : ''}, as exact linkage reads them; a target's unknown value rules nothing out). ` +
      'Nearest neighbours, best Fellegi–Sunter weights and compatible sets are those within the candidates, distance scales and u-probabilities come from the candidates, and the random-guess baseline counts the candidate rows; ' +
      (lk.groundTruth !== 'none'
        ? `${inRelease - inBlock} of the ${inRelease} targets whose record is in the release had it outside their block and count as absent from the release. `
        : '') +
      'The figures may be higher or lower than on the whole release, so this attack cannot pass the gate; the linkability test (and, in a relational trial, sparse linkage) was not run.',
  };
}
