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
import type { EngineRole, LinkageRelation } from './types.js';

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
