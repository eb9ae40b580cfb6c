/**
 * @module attacks/inference/cap — correct attribution probability (CAP) and targeted CAP (TCAP) of a
 * categorical secret.
 *
 * For a target j with QI values K_j and secret T_j, and the release's records whose QI values match
 * K_j (its equivalence class in the release, classes.ts):
 *
 *   CAP_j = |{release records with K_j and T_j}| / |{release records with K_j}|
 *
 * (Taub, Elliot, Pampaka & Smith, "Differential correct attribution probability for synthetic data:
 * an exploration", PSD 2018, LNCS 11126:122–137, doi:10.1007/978-3-319-99771-1_9; after Elliot 2015,
 * "Final report on the disclosure risk associated with the synthetic data produced by the SYLLS
 * team"). CAP_j is undefined when no release record matches K_j (or none of them has a known secret);
 * the mean CAP is taken over the targets where it is defined, and also given with undefined as 0.
 * The univariate baseline is the release's marginal share of T_j (an attacker who ignores the QIs).
 *
 * TCAP (Taub, Elliot & Sakshaug, "The impact of synthetic data generation on data utility with
 * application to the 1991 UK Samples of Anonymised Records", Trans. Data Privacy 13:1–23, 2020): the
 * attacker only targets records whose release class is (nearly) homogeneous in the secret — the
 * class's most frequent value holds a share ≥ τ of it (τ = 1: a single value, an l-diversity of 1) —
 * and attributes that value; TCAP is the share of targeted records for which it is right (with
 * several modal values, 1/m for each). Homogeneous classes are what make a release disclose.
 */
import type { Column } from '../../src/encode/types.js';
import type { CompatRelation } from '../types.js';
import { type ClassSecrets, matchingClasses, type ReleaseClasses } from './classes.js';

/** CAP and TCAP of one secret over one target set. */
export interface CapResult {
  /** Per target position: CAP_j, NaN when undefined (or the target's secret is missing). */
  cap: Float64Array;
  /** Targets with a known secret. */
  attacked: number;
  /** Targets whose CAP is defined, and the sum of their CAPs. */
  matched: number;
  capSum: number;
  /** Targeted records (modal share ≥ τ) and the sum of their correct attributions. */
  targeted: number;
  tcapSum: number;
  /** Σ over attacked targets of the release's marginal share of the target's value. */
  baselineSum: number;
}

/** Modal count and the number of values holding it, over a merged histogram. */
function mode(hist: Map<number, number>): { max: number; ties: number } {
  let max = 0;
  let ties = 0;
  for (const c of hist.values()) {
    if (c > max) {
      max = c;
      ties = 1;
    } else if (c === max) ties++;
  }
  return { max, ties };
}

/**
 * CAP and TCAP of a categorical secret for a set of targets.
 * @param rc - the release's QI classes
 * @param cs - the secret's per-class tallies in the release
 * @param targetQi - the targets' QI columns, in QI order
 * @param truth - the targets' secret column
 * @param rows - the targets' rows
 * @param compat - per QI, the compatibility relation of generalized release values
 * @param tau - TCAP threshold τ in (0, 1]
 */
export function capOf(
  rc: ReleaseClasses,
  cs: ClassSecrets,
  targetQi: readonly Column[],
  truth: Column,
  rows: Int32Array,
  compat: ReadonlyArray<CompatRelation | undefined>,
  tau: number,
): CapResult {
  const marginal = new Float64Array(truth.cardinality + 1);
  let total = 0;
  for (let k = 0; k < cs.codes.length; k++) {
    marginal[cs.codes[k]] += cs.counts[k];
    total += cs.counts[k];
  }
  const T = rows.length;
  const cap = new Float64Array(T).fill(Number.NaN);
  const codes = new Int32Array(targetQi.length);
  const hist = new Map<number, number>();
  const out: CapResult = {
    cap,
    attacked: 0,
    matched: 0,
    capSum: 0,
    targeted: 0,
    tcapSum: 0,
    baselineSum: 0,
  };
  for (let i = 0; i < T; i++) {
    const row = rows[i];
    const t = truth.codes[row];
    if (t < 0) continue;
    out.attacked++;
    if (total > 0) out.baselineSum += marginal[t] / total;
    for (let j = 0; j < targetQi.length; j++) codes[j] = targetQi[j].codes[row];
    hist.clear();
    let size = 0;
    for (const c of matchingClasses(rc, codes, compat)) {
      size += cs.size[c];
      for (let x = cs.offsets[c]; x < cs.offsets[c + 1]; x++) {
        hist.set(cs.codes[x], (hist.get(cs.codes[x]) ?? 0) + cs.counts[x]);
      }
    }
    if (size === 0) continue;
    const hits = hist.get(t) ?? 0;
    cap[i] = hits / size;
    out.matched++;
    out.capSum += cap[i];
    const m = mode(hist);
    // Compare counts, not shares, so that τ = 1 means exactly "one value only".
    if (m.max >= tau * size - 1e-9) {
      out.targeted++;
      if (hits === m.max) out.tcapSum += 1 / m.ties;
    }
  }
  return out;
}
