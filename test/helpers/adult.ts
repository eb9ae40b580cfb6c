/**
 * @module test/helpers/adult — the bundled UCI Adult sample's quasi-identifiers (datasets/adult), as the
 * k=5 release (datasets/scripts/make-adult-release.ts) and sdcMicro's oracles use them, and its ARX
 * hierarchies as a `--hierarchy` flag value.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADULT_QI as QI } from '../../datasets/scripts/adult-qi.js';

/** The eight quasi-identifiers of the Adult release, in the release script's order. */
export const ADULT_QI: string[] = [...QI];

/** The bundled Adult folder (datasets/adult). */
export const ADULT_DIR = fileURLToPath(new URL('../../datasets/adult/', import.meta.url));

/** `--hierarchy` value naming ARX's hierarchy file of every Adult QI. */
export const ADULT_HIERARCHIES = ADULT_QI.map(
  (n) => `${n}=${join(ADULT_DIR, 'hierarchies', `adult_hierarchy_${n}.csv`)}`,
).join(',');
