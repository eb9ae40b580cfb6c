/**
 * @module attacks — the registry of attacks.
 */
import { codeSets } from './code-sets/index.js';
import { diversity } from './diversity/index.js';
import { inference } from './inference/index.js';
import { linkage } from './linkage/index.js';
import { membership } from './membership/index.js';
import { population } from './population/index.js';
import { rareValues } from './rare-values/index.js';
import { singlingOut } from './singling-out/index.js';
import { suda } from './suda/index.js';
import { trajectory } from './trajectory/index.js';
import type { Attack } from './types.js';
import { uniqueness } from './uniqueness/index.js';

export type { Attack, AttackContext, AttackOutcome, AvailableInputs, MetricOut, QiSpec } from './types.js';

/** Every attack, in the order reports list them. */
export const ATTACKS: readonly Attack[] = [
  uniqueness,
  suda,
  population,
  diversity,
  linkage,
  singlingOut,
  membership,
  inference,
  codeSets,
  trajectory,
  rareValues,
];

/** Looks up an attack by id (undefined when none). */
export function findAttack(id: string): Attack | undefined {
  return ATTACKS.find((a) => a.id === id);
}
