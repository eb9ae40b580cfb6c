/**
 * @module attacks/linkage/sparse-kernels — the Narayanan–Shmatikov scoreboard on the pool: for each
 * target, every release patient sharing at least one known item is scored, and the eccentricity of
 * the best score decides whether the attacker claims a match.
 *
 * Narayanan & Shmatikov, "Robust de-anonymization of large sparse datasets", IEEE S&P 2008,
 * doi:10.1109/SP.2008.33 (algorithm "Scoreboard-RH", re-implemented from the paper):
 *
 *   score(aux, r) = Σ_{i ∈ aux} w(i) · sim(aux_i, r_i),   w(i) = 1 / ln(1 + |supp(i)|)
 *   eccentricity  = (max − max₂) / σ,   claim the best record when eccentricity ≥ φ
 *
 * where supp(i) is the set of release patients holding item i (the paper's 1/log|supp(i)|, shifted by
 * one so that a code held by one patient has a finite weight), sim is 1 when the patient holds the
 * item's code (and, for a dated item, an event of that code whose date window overlaps the known
 * window widened by the date tolerance: found in the release's events sorted by code and date), else 0, and σ is the standard deviation of the scores of ALL
 * release patients. Patients sharing no known item score 0 on the items (they are never visited:
 * the inverted index code → patients makes the cost Σ |supp(i)| per target, not the release size);
 * demographic agreement is one more item: weight w_d = 1/ln(1 + D), D = release patients compatible
 * with the target's known QIs, added to every compatible patient. Compatible patients outside the
 * visited set score exactly w_d, and there are D − (compatible visited) of them, so the mean, σ and
 * the two best scores are exact over the whole release.
 */
import { lowerBound } from '../person-match/kernels.js';

/** The scoreboard kernel's input (every array on shared memory except scalars). */
export interface SparseScorePayload {
  /** Release patients. */
  persons: number;
  /** Inverted index over release code sets: code → patients, ascending. */
  postOffsets: Int32Array;
  postings: Int32Array;
  /**
   * Release dated events sorted by (code, lo), for dated items: code c's events are
   * evOffsets[c] … evOffsets[c+1]−1, each with its patient and date window; no window is wider
   * than `evWidth` periods.
   */
  evOffsets: Int32Array;
  evPerson: Int32Array;
  evLo: Int32Array;
  evHi: Int32Array;
  evWidth: number;
  /** Per combined code: its weight 1/ln(1 + support) in the release (0 when no patient holds it). */
  weight: Float64Array;
  /** Per target: known items itemOffsets[t] … itemOffsets[t+1]−1. */
  itemOffsets: Int32Array;
  itemCodes: Int32Array;
  /** Per item: the known date window [lo, hi] already widened by the tolerance; `dated` 0 for a code-only item. */
  itemLo: Int32Array;
  itemHi: Int32Array;
  itemDated: Uint8Array;
  /** Demographics: release patient → rank, rank → patient, per target compatible rank ranges (CSR). */
  rankOf: Int32Array;
  order: Int32Array;
  rangeOffsets: Int32Array;
  rangeLo: Int32Array;
  rangeHi: Int32Array;
  /** Per target: w_d (0 when the attacker knows no demographics). */
  demoWeight: Float64Array;
  /** Eccentricity threshold φ. */
  phi: number;
  /** Targets [start, end) of this shard. */
  start: number;
  end: number;
  /** Outputs per target: the claimed release patient (−1: none), eccentricity (NaN: nothing scored), patients scored. */
  claimed: Int32Array;
  eccentricity: Float64Array;
  candidates: Int32Array;
}

/** Whether rank r lies in one of target t's demographic ranges. */
function inRanges(p: SparseScorePayload, t: number, r: number): boolean {
  for (let k = p.rangeOffsets[t]; k < p.rangeOffsets[t + 1]; k++) {
    if (r >= p.rangeLo[k] && r < p.rangeHi[k]) return true;
  }
  return false;
}

/** The one compatible patient not visited (only called when exactly one exists). */
function unvisitedCompatible(p: SparseScorePayload, t: number, score: Float64Array): number {
  for (let k = p.rangeOffsets[t]; k < p.rangeOffsets[t + 1]; k++) {
    for (let r = p.rangeLo[k]; r < p.rangeHi[k]; r++) if (score[p.order[r]] === 0) return p.order[r];
  }
  return -1;
}

/**
 * Scores targets [start, end) against every release patient and applies the eccentricity test.
 * @returns the number of targets done
 */
export function sparseScore(p: SparseScorePayload): number {
  const n = p.persons;
  const score = new Float64Array(n);
  const seen = new Int32Array(n);
  let touched = new Int32Array(1024);
  for (let t = p.start; t < p.end; t++) {
    let nt = 0;
    for (let i = p.itemOffsets[t]; i < p.itemOffsets[t + 1]; i++) {
      const c = p.itemCodes[i];
      const w = p.weight[c];
      if (w === 0) continue;
      let list = p.postings;
      let from = p.postOffsets[c];
      let to = p.postOffsets[c + 1];
      const dated = p.itemDated[i] === 1;
      if (dated) {
        // Events of code c starting in [lo − width, hi]; those ending before lo are skipped below.
        list = p.evPerson;
        from = lowerBound(p.evLo, p.evOffsets[c], p.evOffsets[c + 1], p.itemLo[i] - p.evWidth);
        to = lowerBound(p.evLo, from, p.evOffsets[c + 1], p.itemHi[i] + 1);
      }
      for (let k = from; k < to; k++) {
        const person = list[k];
        if (dated) {
          if (p.evHi[k] < p.itemLo[i] || seen[person] === i + 1) continue;
          seen[person] = i + 1; // a patient counts once per item, however many events match
        }
        if (score[person] === 0) {
          if (nt === touched.length) {
            const grown = new Int32Array(2 * nt);
            grown.set(touched);
            touched = grown;
          }
          touched[nt++] = person;
        }
        score[person] += w;
      }
    }
    const wd = p.demoWeight[t];
    let outside = 0;
    if (wd > 0) {
      let compatible = 0;
      for (let k = p.rangeOffsets[t]; k < p.rangeOffsets[t + 1]; k++)
        compatible += p.rangeHi[k] - p.rangeLo[k];
      let visitedCompatible = 0;
      for (let j = 0; j < nt; j++) {
        const person = touched[j];
        if (inRanges(p, t, p.rankOf[person])) {
          score[person] += wd;
          visitedCompatible++;
        }
      }
      outside = compatible - visitedCompatible;
    }
    let sum = outside * wd;
    let sumSq = outside * wd * wd;
    let best = outside > 0 ? wd : 0;
    let second = outside > 1 ? wd : 0;
    let bestPerson = -1;
    for (let j = 0; j < nt; j++) {
      const s = score[touched[j]];
      sum += s;
      sumSq += s * s;
      if (s > best) {
        second = best;
        best = s;
        bestPerson = touched[j];
      } else if (s === best) {
        second = s; // a tie: eccentricity 0, no claim
        if (bestPerson < 0 || touched[j] < bestPerson) bestPerson = touched[j];
      } else if (s > second) second = s;
    }
    p.candidates[t] = nt;
    if (nt === 0 && outside === 0) {
      p.claimed[t] = -1;
      p.eccentricity[t] = Number.NaN;
      continue;
    }
    if (bestPerson < 0) bestPerson = outside === 1 ? unvisitedCompatible(p, t, score) : -1;
    const mean = sum / n;
    const sigma = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    const ecc = sigma > 0 ? (best - second) / sigma : 0;
    p.eccentricity[t] = ecc;
    p.claimed[t] = ecc >= p.phi && ecc > 0 ? bestPerson : -1;
    for (let j = 0; j < nt; j++) score[touched[j]] = 0;
  }
  return p.end - p.start;
}
