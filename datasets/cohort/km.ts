/**
 * @module datasets/cohort/km — km-anonymity of per-patient code sets by local suppression.
 *
 * A release is km-anonymous (Terrovitis, Mamoulis & Kalnis, "Privacy-preserving anonymization of set-valued
 * data", VLDB 2008) when an attacker who knows up to m items of a person's set finds at least k records holding
 * them. Here the check runs within each released demographic class, since the attacker also knows the person's
 * demographics: every code and (for m = 2) every pair of codes a patient keeps must be held by >= k patients of
 * the same class. Violations are removed by local suppression (the patient's code becomes `*`): for a rare code
 * the code itself, for a rare pair the pair's code with the smaller class support (ties: the larger code id).
 * A global floor (codes held by fewer than `minPatients` patients overall are suppressed everywhere) is enforced
 * in the same loop, since km suppression can push a code below it. Decisions of one round use that round's
 * supports; rounds repeat until nothing is violated. Greedy and not
 * minimal (it may suppress more than an optimal algorithm), but the result is km-anonymous by construction.
 */

/**
 * Finds the codes to suppress per patient.
 * @param classOf - demographic class id per patient
 * @param sets - distinct code ids per patient (any order)
 * @param nCodes - number of code ids (ids are 0..nCodes-1)
 * @param k - minimum support
 * @param m - largest number of known codes protected (1 or 2)
 * @param minPatients - global floor: fewest patients a released code may have (0 = none)
 * @returns per patient the set of suppressed code ids
 */
export function kmSuppress(
  classOf: Int32Array,
  sets: Int32Array[],
  nCodes: number,
  k: number,
  m: 1 | 2,
  minPatients = 0,
): Set<number>[] {
  const removed = sets.map(() => new Set<number>());
  const sorted = sets.map((s) => Int32Array.from(s).sort());
  const live = (p: number) => sorted[p].filter((c) => !removed[p].has(c));
  for (;;) {
    const s1 = new Map<number, number>();
    const s2 = new Map<number, number>();
    const global = new Int32Array(nCodes);
    for (let p = 0; p < sorted.length; p++) {
      const base = classOf[p] * nCodes;
      const codes = live(p);
      for (let i = 0; i < codes.length; i++) {
        global[codes[i]]++;
        const a = base + codes[i];
        s1.set(a, (s1.get(a) ?? 0) + 1);
        if (m === 2)
          for (let j = i + 1; j < codes.length; j++) {
            const ab = a * nCodes + codes[j];
            s2.set(ab, (s2.get(ab) ?? 0) + 1);
          }
      }
    }
    let changed = false;
    for (let p = 0; p < sorted.length; p++) {
      const base = classOf[p] * nCodes;
      const codes = live(p);
      for (const c of codes) {
        if ((s1.get(base + c) ?? 0) < k || global[c] < minPatients) {
          removed[p].add(c);
          changed = true;
        }
      }
      if (m === 1) continue;
      for (let i = 0; i < codes.length; i++) {
        for (let j = i + 1; j < codes.length; j++) {
          const a = codes[i];
          const b = codes[j];
          if (removed[p].has(a) || removed[p].has(b)) continue;
          if ((s2.get((base + a) * nCodes + b) ?? 0) >= k) continue;
          const sa = s1.get(base + a) ?? 0;
          const sb = s1.get(base + b) ?? 0;
          removed[p].add(sa < sb ? a : sb < sa ? b : Math.max(a, b));
          changed = true;
        }
      }
    }
    if (!changed) return removed;
  }
}
