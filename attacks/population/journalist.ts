/**
 * @module attacks/population/journalist — journalist and marketer risk (El Emam's definitions).
 *
 * El Emam K. Guide to the De-Identification of Personal Health Information. CRC Press 2013, ch.
 * "Measuring the Probability of Re-Identification"; El Emam K, Dankar FK. Protecting privacy using
 * k-anonymity. JAMIA 2008;15(5):627-637, doi:10.1197/jamia.M2716. The journalist does not know
 * whether the target is in the release, so a released record is matched against its class in the
 * population: with f_j and F_j the sample and population sizes of class j (u classes, n records),
 *
 *   journalist risk of a record  = 1 / F_j
 *   journalistRiskMax            = 1 / min_j F_j
 *   journalistRiskMean           = max( u / Σ_j F_j ,  Σ_j (f_j / F_j) / n )
 *   marketerRisk                 = Σ_j (f_j / F_j) / n      (expected share of records re-identified)
 *   records at risk              = Σ { f_j : 1/F_j > threshold }
 *
 * exactly as ARX's RiskModelSampleSummary computes them. ARX takes F_j from a population table
 * (its "research subset" superset) when there is one, and otherwise F_j = f_j: the release is then
 * its own population and journalist risk equals prosecutor risk (an upper bound, since F_j ≥ f_j).
 */

/** Journalist and marketer figures over the release's records. */
export interface JournalistRisk {
  /** 1/F per record. */
  perRecord: Float64Array;
  max: number;
  mean: number;
  marketer: number;
  recordsAtRisk: number;
  /** u / Σ F and Σ (f/F) / n, the two terms of the mean. */
  classAverage: number;
  recordAverage: number;
  /** Records whose given population class size was below their sample class size (then raised to it). */
  inconsistentRecords: number;
}

/**
 * Computes journalist and marketer risk.
 * @param classSize - sample class size f of each record
 * @param classes - u, the number of classes
 * @param threshold - a record is at risk when 1/F exceeds this
 * @param populationClassSize - population class size F of each record (else F = f)
 */
export function journalistRisk(
  classSize: Int32Array,
  classes: number,
  threshold: number,
  populationClassSize?: Float64Array,
): JournalistRisk {
  const n = classSize.length;
  const perRecord = new Float64Array(n);
  let minF = Number.POSITIVE_INFINITY;
  let sumInv = 0;
  let sumFoverf = 0;
  let atRisk = 0;
  let inconsistent = 0;
  for (let i = 0; i < n; i++) {
    const f = classSize[i];
    let F = f;
    if (populationClassSize) {
      F = populationClassSize[i];
      if (!(F >= f)) {
        inconsistent++;
        F = f;
      }
    }
    const r = 1 / F;
    perRecord[i] = r;
    if (F < minF) minF = F;
    sumInv += r;
    sumFoverf += F / f; // a class's f records add up to its F
    if (r > threshold) atRisk++;
  }
  const recordAverage = sumInv / n;
  const classAverage = classes / sumFoverf;
  return {
    perRecord,
    max: 1 / minF,
    mean: Math.max(classAverage, recordAverage),
    marketer: recordAverage,
    recordsAtRisk: atRisk,
    classAverage,
    recordAverage,
    inconsistentRecords: inconsistent,
  };
}

/**
 * Journalist and marketer risk without a population table (F = f for every class), from classes by
 * size alone: Σ 1/f over records is exactly the number of classes u, so mean = marketer = u / n.
 * @param table - lines of `classes` classes of `size` records (any order)
 * @param threshold - a record is at risk when 1/f exceeds this
 * @returns the figures (perRecord empty: the caller fills 1/f per record when it writes them)
 */
export function journalistRiskOfSizes(
  table: ReadonlyArray<{ size: number; classes: number }>,
  threshold: number,
): Omit<JournalistRisk, 'perRecord'> {
  let n = 0;
  let u = 0;
  let minF = Number.POSITIVE_INFINITY;
  let atRisk = 0;
  for (const { size, classes } of table) {
    n += size * classes;
    u += classes;
    if (size < minF) minF = size;
    if (1 / size > threshold) atRisk += size * classes;
  }
  return {
    max: 1 / minF,
    mean: u / n,
    marketer: u / n,
    recordsAtRisk: atRisk,
    classAverage: u / n,
    recordAverage: u / n,
    inconsistentRecords: 0,
  };
}
