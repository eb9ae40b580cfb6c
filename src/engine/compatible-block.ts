/**
 * @module engine/compatible-block — generalization-aware blocking for linkage's blocked plan
 * (src/engine/fetch-local.ts): which release rows are candidates for the seeded targets.
 *
 * A release row is in a target's block when its released value on every blocking column is
 * compatible with the target's value under exact linkage's strict relation (linkage-relation.ts,
 * attacks/linkage/block.ts `compatibleCode`): equal (canonically: `2.0` = `2`), a generalization
 * covering it (an interval `30-39`, a coarser date, a mask `123**`, a hierarchy ancestor,
 * suppression `*`), or a --wildcard token; a target whose value is unknown (missing) rules nothing
 * out on that column, and a missing released value is compatible only with an unknown one. So a
 * release generalized on every QI still has blocks, and blocking never separates a target from a
 * release row that exact linkage would count as compatible on the blocking columns.
 *
 * How it is computed, without rows leaving the engine until the block is fetched:
 * 1. Per candidate column, the distinct values of every role holding it (`tupleCounts`: one GROUP BY
 *    each; the release's with their rows) go through the local encoder (queryRelations), as exact
 *    linkage on the engine builds its relation.
 * 2. The sampled targets' values (fetched by row) get their codes; a column's allowed released values
 *    are those compatible with at least one sampled target, and its block holds the release rows
 *    with an allowed value (their count is the sum of those values' rows).
 * 3. On two or more columns the allowed values of each column are necessary, not sufficient (the
 *    same target must be compatible on every column): the release's distinct tuples among the allowed
 *    values are counted by the engine (`tupleCounts` with `within`), and a tuple is kept when some
 *    sampled target is compatible with it on every column.
 * 4. The block is then fetched as the kept tuples (`fetchRows` with `block.keys`).
 *
 * The automatic choice (no --option linkage.blockOn): each known QI alone; of those whose block holds
 * at least one and at most `bound` rows, the one holding the most (the nearest to the whole release).
 * When none fits, the smallest block is refined greedily: the column added to it is the one whose
 * combined block holds the most rows within the bound, else (none fits yet) the fewest rows, up to
 * MAX_COLUMNS columns. Every blocking tried is listed with its rows in the report (no values).
 */
import type { LinkageInputs } from '../../attacks/types.js';
import { MISSING } from '../encode/types.js';
import { ReidgateError } from '../errors.js';
import type { InputInfo } from '../report/model.js';
import type { Role } from '../run/inputs.js';
import type { Trial } from '../trial/schema.js';
import { type ColumnRelation, type DistinctValues, queryRelations } from './linkage-relation.js';
import { readHierarchies } from './linkage-targets.js';
import type { Engine, FetchedRows } from './types.js';

/** The automatic choice refines a blocking up to this many columns. */
export const MAX_COLUMNS = 4;

/** A blocking: its columns, the release tuples in the targets' blocks, and the rows they hold. */
export interface Blocking {
  on: string[];
  keys: Array<Array<string | null>>;
  rows: number;
}

/** The blocking chosen (null: none fits the bound), and every blocking tried with its rows. */
export interface BlockingChoice {
  chosen: Blocking | null;
  tried: Array<[string[], number]>;
}

/** One candidate column: its relation restricted to what the sampled targets hold. */
interface ColumnBlock {
  name: string;
  /** Per sampled target, its code (MISSING: unknown). */
  targetCode: Int32Array;
  /** Target code → the release codes compatible with it. */
  compatible: Map<number, Set<number>>;
  /** Released value (null: missing) → code. */
  releaseCode: (v: string | null) => number;
  /** Released values (null: missing) compatible with some sampled target, with their rows. */
  allowed: Array<[string | null, number]>;
  rows: number;
}

/** The columns' blocks for the sampled targets (steps 1–2 of the module comment). */
async function columnBlocks(
  engine: Engine,
  trial: Trial,
  info: Partial<Record<Role, InputInfo>>,
  lk: LinkageInputs,
  names: readonly string[],
  targets: FetchedRows,
): Promise<ColumnBlock[]> {
  const values: Array<DistinctValues['values']> = names.map(() => ({}));
  let releaseCounts: Array<Map<string | null, number>> = [];
  for (const role of ['release', 'original', 'control', 'auxiliary'] as const) {
    const held = names.filter((c) => info[role]?.columns.includes(c));
    for (const c of held) {
      const counts = await engine.tupleCounts!({ role, columns: [c] });
      values[names.indexOf(c)][role] = counts.map((x) => x.values[0]);
      if (role === 'release')
        releaseCounts[names.indexOf(c)] = new Map(counts.map((x) => [x.values[0], x.rows]));
    }
  }
  releaseCounts = names.map((_, j) => releaseCounts[j] ?? new Map());
  const kinds = new Map(trial.qi.map((x) => [x.name, x.kind]));
  const relations = queryRelations(
    {
      columns: names.map((name) => ({ name, kind: kinds.get(name) ?? 'categorical' })),
      relation: 'strict',
      targets: lk.targetsRole,
    },
    values,
    trial.wildcard,
    readHierarchies(trial),
  ) as ColumnRelation[];
  return names.map((name, j) => {
    const r = relations[j];
    const compatible = new Map<number, Set<number>>();
    for (const [tc, g] of r.pairs) {
      const set = compatible.get(tc);
      if (set) set.add(g);
      else compatible.set(tc, new Set([g]));
    }
    const col = targets.table.getChild(name);
    if (!col) throw new ReidgateError('INTERNAL', `blocking: the targets lack ${name}`);
    const targetCode = Int32Array.from({ length: targets.rows.length }, (_, t) => {
      const v = col.get(t) as string | null;
      if (v === null) return MISSING;
      const c = r.targetCodes.get(v);
      if (c === undefined)
        throw new ReidgateError('INTERNAL', `blocking: a target value of ${name} has no code`);
      return c;
    });
    const reach = new Set<number>();
    for (const tc of new Set(targetCode)) for (const g of compatible.get(tc) ?? []) reach.add(g);
    const releaseCode = (v: string | null) => (v === null ? MISSING : (r.releaseCodes.get(v) ?? MISSING));
    const allowed = [...releaseCounts[j]].filter(([v]) => reach.has(releaseCode(v)));
    const rows = allowed.reduce((s, [, n]) => s + n, 0);
    return { name, targetCode, compatible, releaseCode, allowed, rows };
  });
}

/**
 * The release tuples on `cols` compatible with some sampled target on every column, and their rows
 * (step 3 of the module comment; one column: its allowed values).
 */
async function blockOf(engine: Engine, cols: readonly ColumnBlock[]): Promise<Blocking> {
  const on = cols.map((c) => c.name);
  if (cols.length === 1) return { on, keys: cols[0].allowed.map(([v]) => [v]), rows: cols[0].rows };
  const tuples = await engine.tupleCounts!({
    role: 'release',
    columns: on,
    within: cols.map((c) => c.allowed.map(([v]) => v)),
  });
  // The sampled targets' distinct code tuples; per release code of the first column, those
  // compatible with it there (computed once per code).
  const seen = new Set<string>();
  const targetTuples: number[][] = [];
  const T = cols[0].targetCode.length;
  for (let t = 0; t < T; t++) {
    const codes = cols.map((c) => c.targetCode[t]);
    const key = codes.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      targetTuples.push(codes);
    }
  }
  const byFirst = new Map<number, number[][]>();
  const keys: Array<Array<string | null>> = [];
  let rows = 0;
  for (const { values, rows: n } of tuples) {
    const g = values.map((v, j) => cols[j].releaseCode(v));
    let list = byFirst.get(g[0]);
    if (!list) {
      list = targetTuples.filter((tc) => cols[0].compatible.get(tc[0])?.has(g[0]));
      byFirst.set(g[0], list);
    }
    const fits = list.some((tc) => tc.every((c, j) => j === 0 || cols[j].compatible.get(c)?.has(g[j])));
    if (fits) {
      keys.push(values);
      rows += n;
    }
  }
  return { on, keys, rows };
}

/**
 * Chooses the blocking of the sampled targets (see the module comment).
 * @param targets - the sampled targets' rows (fetched; the blocking columns among them)
 * @param blockOn - columns given by --option linkage.blockOn (checked known by the caller)
 * @throws ReidgateError('ENGINE') when the engine fails; ('COLUMN') when a hierarchy misses a value
 */
export async function chooseBlocking(
  engine: Engine,
  trial: Trial,
  info: Partial<Record<Role, InputInfo>>,
  lk: LinkageInputs,
  targets: FetchedRows,
  bound: number,
  blockOn: readonly string[] | undefined,
): Promise<BlockingChoice> {
  const names = blockOn ? [...blockOn] : lk.knownQi;
  const cols = await columnBlocks(engine, trial, info, lk, names, targets);
  const tried: Array<[string[], number]> = [];
  const fits = (b: Blocking) => b.rows > 0 && b.rows <= bound;
  if (blockOn) {
    const b = await blockOf(engine, cols);
    tried.push([b.on, b.rows]);
    return { chosen: fits(b) ? b : null, tried };
  }
  // Each column alone, then greedy refinement of the smallest block.
  let level: Array<{ cols: ColumnBlock[]; block: Blocking }> = [];
  for (const c of cols) level.push({ cols: [c], block: await blockOf(engine, [c]) });
  for (const x of level) tried.push([x.block.on, x.block.rows]);
  for (let width = 1; ; width++) {
    const best = level.filter((x) => fits(x.block)).sort((a, b) => b.block.rows - a.block.rows)[0];
    if (best) return { chosen: best.block, tried };
    const smallest = level.filter((x) => x.block.rows > 0).sort((a, b) => a.block.rows - b.block.rows)[0];
    if (!smallest || width >= MAX_COLUMNS) return { chosen: null, tried };
    const rest = cols.filter((c) => !smallest.cols.includes(c));
    if (rest.length === 0) return { chosen: null, tried };
    level = [];
    for (const c of rest) {
      const block = await blockOf(engine, [...smallest.cols, c]);
      tried.push([block.on, block.rows]);
      level.push({ cols: [...smallest.cols, c], block });
    }
  }
}
