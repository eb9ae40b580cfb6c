/**
 * @module attacks/inference/prepare — the inference attack's inputs: the secrets and their kinds, the
 * seeded member and non-member targets, a seeded shuffle of the release, and the Gower scales.
 *
 * The release is searched in a seeded random order so that "the nearest record" among records at the
 * same distance is a uniformly random one (the neighbour search breaks ties by lowest row): the
 * attack then does not depend on how the release happens to be sorted (a release sorted by the
 * secret would otherwise hand the attacker, or deny it, the right value among tied records).
 */
import type { Column, EncodedTable } from '../../src/encode/types.js';
import { listNames, q, ReidgateError } from '../../src/errors.js';
import { sampleTargetSets, type TargetSet } from '../shared/target-sets.js';
import type { AttackContext } from '../types.js';

export { gowerScales, shuffleRelease, type TargetSet } from '../shared/target-sets.js';

/** A secret (sensitive attribute) and how its guesses are judged. */
export interface Secret {
  name: string;
  numeric: boolean;
}

/**
 * The column `name` of `table`, or a COLUMN error naming the role and the columns it has.
 * @throws ReidgateError('COLUMN')
 */
export function columnOf(table: EncodedTable, name: string, flag: string, role: string): Column {
  const c = table.columns.get(name);
  if (!c) {
    throw new ReidgateError(
      'COLUMN',
      `${flag}: column ${q(name)} not in ${role} (columns: ${listNames([...table.columns.keys()])})`,
    );
  }
  return c;
}

/**
 * The secrets, each present in the release, the original and the control.
 * @throws ReidgateError('COLUMN') when one is absent from a table; ('USAGE') when none is given
 */
export function secretsOf(ctx: AttackContext): Secret[] {
  if (ctx.sensitive.length === 0) throw new ReidgateError('USAGE', 'inference: needs --sensitive');
  return ctx.sensitive.map((name) => {
    const r = columnOf(ctx.release, name, '--sensitive', 'release');
    columnOf(ctx.original!, name, '--sensitive', 'original');
    columnOf(ctx.control!, name, '--sensitive', 'control');
    return { name, numeric: r.kind !== 'categorical' && r.numbers !== undefined };
  });
}

/** Seeded samples of n targets from the original and from the control (see sampleTargetSets). */
export function sampleTargets(ctx: AttackContext, n: number): [TargetSet, TargetSet] {
  return sampleTargetSets(ctx, n, 'inference');
}
