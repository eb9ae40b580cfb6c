/**
 * @module engine/linkage-relation — the per-QI compatibility relation of exact linkage, built from a
 * column's distinct values (never rows), for engines that join in SQL.
 *
 * The distinct values of each role go through the very encoder the local path uses
 * (src/encode/joint.ts `encodeJoint`: one dictionary per column, generalizations parsed there —
 * intervals, coarser dates, masks, hierarchy ancestors, suppression; hierarchy coverage checked
 * there) and canonical codes (attacks/linkage/codes.ts: `2` and `2.0` are one number), so a SQL join
 * through the resulting table finds exactly the pairs the local kernels accept
 * (attacks/linkage/block.ts `compatibleCode`): target value v and released value g are compatible
 * when canon(g) = canon(v), or g is a generalization covering v, or g is a --wildcard token.
 */
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { canonicalCodes } from '../../attacks/linkage/codes.js';
import { encodeJoint } from '../encode/joint.js';
import { type ColumnKind, MISSING, WILDCARD } from '../encode/types.js';
import type { CompatibleSetsQuery, EngineRole, LinkageRelation } from './types.js';

/** A column's distinct values on each role that holds it (null: the role has missing values). */
export interface DistinctValues {
  name: string;
  kind: ColumnKind;
  /** Role → its distinct values (a null entry stands for the missing value). */
  values: Partial<Record<EngineRole, ReadonlyArray<string | null>>>;
  hierarchy?: Map<string, Set<string>>;
  hierarchySource?: string;
  /** --wildcard tokens (release only). */
  wildcards: ReadonlySet<string>;
}

/** One column's relation as code tables: released values and target values to codes, and the pairs. */
export interface ColumnRelation {
  /** Released value → code (wildcard tokens → WILDCARD). Missing is MISSING, not listed. */
  releaseCodes: Map<string, number>;
  /** Target value → code. Missing (unknown to the attacker) is MISSING, not listed. */
  targetCodes: Map<string, number>;
  /**
   * Compatible (target code, release code) pairs. The unknown target code MISSING pairs with every
   * release code (MISSING and WILDCARD included): an unknown value rules out nothing.
   */
  pairs: Array<[number, number]>;
  /** Whether the unseen-as-generalized relation differs from the strict one on this column. */
  unseenDiffers: boolean;
  /** Distinct released values (codes), for blocking statistics. */
  releaseDistinct: number;
}

/**
 * Builds one column's relation.
 * @param d - the column's distinct values per role (the release and the targets' role at least)
 * @param targets - the targets' role
 * @param relation - strict, or unseen labels read as generalizations
 * @throws ReidgateError('COLUMN') when a hierarchy does not cover a target-side value
 */
export function columnRelation(
  d: DistinctValues,
  targets: EngineRole,
  relation: LinkageRelation,
): ColumnRelation {
  const roles = (['release', 'original', 'control', 'auxiliary'] as const).filter((r) => d.values[r]);
  const tables = new Map(
    roles.map((role) => [
      role,
      {
        table: new Table({ [d.name]: vectorFromArray([...d.values[role]!], new Utf8()) }),
        label: `--${role}`,
      },
    ]),
  );
  const joint = encodeJoint(tables, [
    {
      name: d.name,
      kind: d.kind,
      wildcards: d.wildcards,
      hierarchy: d.hierarchy,
      hierarchySource: d.hierarchySource,
    },
  ]);
  const strict = joint.compat.get(d.name)!;
  const loose = joint.compatUnknownAsGeneralized.get(d.name)!;
  const compat = relation === 'strict' ? strict : loose;
  const rel = joint.tables.get('release')!.columns.get(d.name)!;
  const tgt = joint.tables.get(targets)!.columns.get(d.name)!;
  const cardinality = joint.dictionaries.get(d.name)!.length;
  const canon = canonicalCodes(d.kind, cardinality, compat.generalized, [
    [rel.codes, rel.numbers],
    [tgt.codes, tgt.numbers],
  ]);
  const releaseCodes = new Map<string, number>();
  d.values.release!.forEach((v, i) => {
    if (v !== null) releaseCodes.set(v, rel.codes[i]);
  });
  const targetCodes = new Map<string, number>();
  d.values[targets]!.forEach((v, i) => {
    if (v !== null) targetCodes.set(v, tgt.codes[i]);
  });
  const inRelease = new Set(releaseCodes.values());
  const hasWildcard = inRelease.has(WILDCARD);
  const byCanon = new Map<number, number[]>();
  for (const g of inRelease) {
    if (g < 0) continue;
    const list = byCanon.get(canon[g]);
    if (list) list.push(g);
    else byCanon.set(canon[g], [g]);
  }
  const pairs: Array<[number, number]> = [];
  for (const c of new Set(targetCodes.values())) {
    const hit = new Set<number>(byCanon.get(canon[c]) ?? []);
    for (let k = compat.offsets[c]; k < compat.offsets[c + 1]; k++)
      if (inRelease.has(compat.codes[k])) hit.add(compat.codes[k]);
    if (hasWildcard) hit.add(WILDCARD);
    for (const g of hit) pairs.push([c, g]);
  }
  for (const g of inRelease) pairs.push([MISSING, g]);
  if (d.values.release!.includes(null)) pairs.push([MISSING, MISSING]);
  return {
    releaseCodes,
    targetCodes,
    pairs,
    unseenDiffers: loose !== strict,
    releaseDistinct: inRelease.size,
  };
}

/** Hierarchies by QI (read from the trial's --hierarchy files). */
export type Hierarchies = ReadonlyMap<string, { map: Map<string, Set<string>>; source: string }>;

/**
 * The relation of every QI of a query, from the columns' distinct values per role (as the engine
 * read them: text, null for missing).
 * @param q - the question (columns, targets' role, relation)
 * @param values - per QI (in `q.columns` order): its distinct values on each role that holds it
 * @param wildcard - the trial's --wildcard tokens
 * @param hierarchies - the trial's --hierarchy files by QI
 * @returns the relations, or null for 'unseen-as-generalized' when it is the strict relation
 * @throws ReidgateError('COLUMN') when a hierarchy does not cover a target-side value
 */
export function queryRelations(
  q: Pick<CompatibleSetsQuery, 'columns' | 'relation'> & { targets: EngineRole },
  values: ReadonlyArray<DistinctValues['values']>,
  wildcard: readonly string[],
  hierarchies?: Hierarchies,
): ColumnRelation[] | null {
  const wildcards = new Set(wildcard);
  const relations = q.columns.map((col, j) => {
    const h = hierarchies?.get(col.name);
    return columnRelation(
      {
        name: col.name,
        kind: col.kind,
        values: values[j],
        hierarchy: h?.map,
        hierarchySource: h?.source,
        wildcards,
      },
      q.targets,
      q.relation,
    );
  });
  if (q.relation !== 'strict' && !relations.some((r) => r.unseenDiffers)) return null;
  return relations;
}

/** Expected bucket size at which blocking stops adding QIs (as attacks/linkage/exact-local.ts). */
const BUDGET = 4;
/** At most this many compatible codes per target, multiplied over the blocking QIs. */
const MAX_KEYS = 64;

/**
 * Per QI, what blocking needs to know: `collision`, the chance that two release classes share the
 * QI's code (Σ over codes of (classes with it / classes)²); `missing`, the share of targets whose
 * value is unknown; `meanKeys`, the mean number of release codes a target's value is compatible with.
 */
export interface BlockingStats {
  collision: number;
  missing: number;
  meanKeys: number;
}

/**
 * The blocking statistics of one QI.
 * @param classesByCode - release classes per release code of the QI
 * @param classes - release classes
 * @param relation - the QI's relation (its pairs)
 * @param targetCodes - the sampled targets' codes of the QI, with how many targets hold each
 */
export function blockingStats(
  classesByCode: Iterable<number>,
  classes: number,
  relation: ColumnRelation,
  targetCodes: Iterable<[number, number]>,
  targets: number,
): BlockingStats {
  let collision = 0;
  for (const n of classesByCode) collision += (n / classes) ** 2;
  const perCode = new Map<number, number>();
  for (const [tc] of relation.pairs) perCode.set(tc, (perCode.get(tc) ?? 0) + 1);
  let missing = 0;
  let keysSum = 0;
  for (const [tc, n] of targetCodes) {
    if (tc === MISSING) missing += n;
    keysSum += n * (perCode.get(tc) ?? 0);
  }
  return { collision, missing: missing / Math.max(1, targets), meanKeys: keysSum / Math.max(1, targets) };
}

/**
 * Plans the blocking QIs: the most discriminating QIs known for nearly every target, until the
 * expected bucket is small or the keys per target would multiply past MAX_KEYS.
 * @returns the QIs (indices) to block on, and the expected bucket size
 */
export function planBlocking(
  classes: number,
  stats: readonly BlockingStats[],
): { fields: number[]; estimate: number } {
  const order = stats
    .map((_, j) => j)
    .filter((j) => stats[j].missing <= 0.01 && stats[j].collision < 1)
    .sort((a, b) => stats[a].collision - stats[b].collision || a - b);
  const fields: number[] = [];
  let estimate = classes;
  let keys = 1;
  for (const j of order) {
    if (estimate <= BUDGET) break;
    if (fields.length > 0 && keys * stats[j].meanKeys > MAX_KEYS) continue;
    fields.push(j);
    estimate *= stats[j].collision;
    keys *= stats[j].meanKeys;
  }
  // Some QI must drive the join: the most discriminating one, even if targets lack it at times.
  if (fields.length === 0 && stats.length > 0) {
    const j = stats.map((_, i) => i).sort((a, b) => stats[a].collision - stats[b].collision || a - b)[0];
    fields.push(j);
    estimate *= stats[j].collision;
  }
  return { fields, estimate };
}

/**
 * The attacker's pick per target with a non-empty set: its position k = ⌊u·|S|⌋ in S (in the order
 * of types.ts: classes by first row, rows ascending).
 * @returns the targets (indices) and their positions
 */
export function pickPositions(setSize: Int32Array, uniform: Float64Array): { tids: number[]; ks: number[] } {
  const tids: number[] = [];
  const ks: number[] = [];
  for (let t = 0; t < setSize.length; t++) {
    const s = setSize[t];
    if (s === 0) continue;
    tids.push(t);
    ks.push(Math.min(s - 1, Math.floor(uniform[t] * s)));
  }
  return { tids, ks };
}
