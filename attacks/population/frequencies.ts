/**
 * @module attacks/population/frequencies — the sample's class-size frequency profile.
 *
 * Every population-uniqueness model reads the release only through this profile: s_j, the number
 * of equivalence classes of size j (j = 1 … max), with n = Σ j·s_j records in u = Σ s_j classes.
 */

/** The frequency profile of a release's equivalence classes. */
export interface FrequencyProfile {
  /** Distinct class sizes j, ascending. */
  sizes: number[];
  /** s_j for each entry of `sizes`. */
  counts: number[];
  /** n: records. */
  records: number;
  /** u: classes. */
  classes: number;
}

/**
 * Builds the profile from the list of class sizes.
 * @param classSizes - the size of every class (any order)
 */
export function frequencyProfile(classSizes: ArrayLike<number>): FrequencyProfile {
  const byCount = new Map<number, number>();
  let records = 0;
  for (let i = 0; i < classSizes.length; i++) {
    const s = classSizes[i];
    byCount.set(s, (byCount.get(s) ?? 0) + 1);
    records += s;
  }
  const sizes = [...byCount.keys()].sort((a, b) => a - b);
  return { sizes, counts: sizes.map((s) => byCount.get(s)!), records, classes: classSizes.length };
}

/** s_j: the number of classes of size j (0 when none). */
export function classesOfSize(p: FrequencyProfile, j: number): number {
  const i = p.sizes.indexOf(j);
  return i < 0 ? 0 : p.counts[i];
}

/**
 * Builds the profile from classes by size (an engine's answer: any number of lines per size).
 * @param table - lines of `classes` classes of `size` records
 */
export function profileOfTable(table: ReadonlyArray<{ size: number; classes: number }>): FrequencyProfile {
  const byCount = new Map<number, number>();
  let records = 0;
  let classes = 0;
  for (const { size, classes: k } of table) {
    byCount.set(size, (byCount.get(size) ?? 0) + k);
    records += size * k;
    classes += k;
  }
  const sizes = [...byCount.keys()].sort((a, b) => a - b);
  return { sizes, counts: sizes.map((s) => byCount.get(s)!), records, classes };
}
