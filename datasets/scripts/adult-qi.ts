/**
 * @module datasets/scripts/adult-qi — the quasi-identifiers of the bundled UCI Adult sample
 * (datasets/adult), in the order the k=5 release script (make-adult-release.ts) uses for level vectors
 * and tie-breaking; the tests use the same list (test/helpers/adult.ts).
 */

/** The eight quasi-identifiers of the Adult release, in the release script's order. */
export const ADULT_QI = [
  'age',
  'sex',
  'race',
  'marital-status',
  'education',
  'native-country',
  'workclass',
  'occupation',
] as const;
