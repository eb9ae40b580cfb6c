/**
 * @module attacks/linkage/sparse-options — the attacker model of sparse linkage as the linkage
 * options declare it (`--option linkage.sparseItems=4` …), and the sentence the report states it in.
 */
import { ReidgateError } from '../../src/errors.js';
import { intOption } from '../person-match/index.js';
import type { AttackContext } from '../types.js';

export const ID = 'linkage';

/** The attacker model of sparse linkage (from `--option linkage.sparse*=…`). */
export interface SparseOptions {
  items: number;
  wrong: number;
  missing: number;
  dates: boolean;
  tolerance: number;
  phi: number;
  qi: boolean;
}

function shareOption(ctx: AttackContext, key: string, def: number, max: number): number {
  const v = ctx.options?.[ID]?.[key];
  if (v === undefined) return def;
  const x = Number(v);
  if (typeof v === 'boolean' || !Number.isFinite(x) || x < 0 || x > max) {
    throw new ReidgateError(
      'USAGE',
      `--option ${ID}.${key}=${String(v)}: expected a number from 0 to ${max}`,
    );
  }
  return x;
}

function boolOption(ctx: AttackContext, key: string, def: boolean): boolean {
  const v = ctx.options?.[ID]?.[key];
  if (v === undefined) return def;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ReidgateError('USAGE', `--option ${ID}.${key}=${String(v)}: expected true or false`);
}

/**
 * Reads the sparse attacker model from the linkage options.
 * @throws ReidgateError('USAGE') naming the option when a value is out of range
 */
export function sparseOptions(ctx: AttackContext): SparseOptions {
  return {
    items: intOption(ctx, ID, 'sparseItems', 4, 1, 64),
    wrong: shareOption(ctx, 'sparseWrong', 0, 1),
    missing: shareOption(ctx, 'sparseMissing', 0, 0.99),
    dates: boolOption(ctx, 'sparseDates', false),
    tolerance: intOption(ctx, ID, 'sparseDateTolerance', 0, 0, 100_000),
    phi: shareOption(ctx, 'sparsePhi', 1.5, 1000),
    qi: boolOption(ctx, 'sparseQi', true),
  };
}

/** A sentence stating the attacker model (for the report's method note). */
export function describeModel(
  o: SparseOptions,
  knownQi: readonly string[],
  tables: readonly string[],
): string {
  const what = o.dates
    ? `dated events (code and date at the release precision${o.tolerance > 0 ? `, matched within ±${o.tolerance} periods` : ', same period'})`
    : 'codes';
  return (
    `Sparse (Narayanan–Shmatikov scoreboard): the attacker knows ${o.items} of each target's ${what} from ${tables.join(', ')} (seeded), ` +
    `${o.wrong > 0 ? `${Math.round(o.wrong * o.items)} of them WRONG (codes the target does not have, drawn by code frequency)` : 'none wrong'}, ` +
    `${o.missing > 0 ? `each true one forgotten with probability ${o.missing}` : 'none forgotten'}` +
    `${knownQi.length > 0 ? `, plus the demographic QIs ${knownQi.join(', ')} as one more item` : ', and no demographics'}; ` +
    `every release patient is scored Σ w(item) over the known items it holds, w = 1/ln(1 + patients holding the code); the attacker claims the best-scoring patient when (best − second best)/σ(scores over all patients) ≥ φ = ${o.phi}; confidence is that eccentricity.`
  );
}
