/**
 * @module attacks/linkage/method — what each linkage method returns, so the attack can score all of
 * them the same way (src/stats) and let the strongest drive the verdict.
 */

/** A linkage method's per-target output (index t refers to LinkageInputs.targetRows[t]). */
export interface MethodResult {
  /** e.g. 'exact', 'probabilistic', 'distance-gower', 'distance-manhattan' */
  method: string;
  /** Release row the attacker links target t to, or -1 when it declines to link. */
  claimed: Int32Array;
  /** The attacker's confidence in each claim (higher is more confident; NaN when no claim). */
  confidence: Float64Array;
  /**
   * Per target, the probability that the attacker's (randomized) pick is right, when the method can
   * say (exact compatible-set linkage: 1/|set| when the true record is in the set, else 0).
   */
  expectedSuccess?: Float64Array;
  /** Method-specific figures for the report (no record values). */
  details?: Record<string, unknown>;
  warnings?: string[];
}
