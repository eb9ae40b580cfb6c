/**
 * @module attacks/person-match/summary — per-level figures of a person-level attack from the
 * compatible-set sizes: the share of targets uniquely identified (Wilson 95% interval), the share in a
 * set smaller than k, the expected re-identification probability and the size distribution.
 *
 * For target t at level m with compatible set S (release persons compatible with everything the
 * attacker knows) and true person r_t:
 *   unique_t          = 1 if S = {r_t}
 *   small_t           = 1 if r_t ∈ S and |S| < k   (risk 1/|S| above 1/k)
 *   reidentification_t = 1/|S| if r_t ∈ S, else 0  (the attacker picks uniformly in S)
 * Shares are over the n_m targets holding at least m items (targets with fewer cannot be known by m).
 */
import { ReidgateError } from '../../src/errors.js';
import { wilson } from '../../src/stats/index.js';
import type { MetricOut, SeriesOut, TableOut } from '../types.js';

const BINS: ReadonlyArray<[string, number, number]> = [
  ['1', 1, 1],
  ['2', 2, 2],
  ['3-4', 3, 4],
  ['5-9', 5, 9],
  ['10-19', 10, 19],
  ['20-99', 20, 99],
  ['100+', 100, Infinity],
];

/** What summarizeLevels returns. */
export interface LevelSummary {
  metrics: Record<string, MetricOut>;
  table: TableOut;
  series: SeriesOut;
  /** Per level: n, unique, small, expected. */
  levels: Array<{
    level: number;
    targets: number;
    unique: number;
    small: number;
    expected: number;
    absent: number;
  }>;
}

/**
 * Summarizes sizes per level.
 * @param out - sizes and truth membership at t·M + m − 1 (size −1: fewer than m items)
 * @param levels - M
 * @param k - the small-set bound
 * @param letter - the level's letter in metric names (`M` → uniqueShareM1; `K` → uniqueShareK1)
 * @param labels - series id and title, x label
 * @throws ReidgateError('ATTACK_FAILED') when no target holds even one item
 */
export function summarizeLevels(
  out: { size: Int32Array; truthIn: Int32Array },
  levels: number,
  k: number,
  letter: string,
  labels: { id: string; title: string; x: string; what: string },
): LevelSummary {
  const T = out.size.length / levels;
  const metrics: Record<string, MetricOut> = {};
  const rows: Array<Array<string | number>> = [];
  const points: SeriesOut['points'] = [];
  const per: LevelSummary['levels'] = [];
  let best: MetricOut | null = null;
  let bestExpected = 0;
  for (let m = 1; m <= levels; m++) {
    let n = 0;
    let unique = 0;
    let small = 0;
    let absent = 0;
    let expected = 0;
    const bins = new Array<number>(BINS.length).fill(0);
    for (let t = 0; t < T; t++) {
      const s = out.size[t * levels + m - 1];
      if (s < 0) continue;
      n++;
      const hit = out.truthIn[t * levels + m - 1] === 1;
      if (!hit) absent++;
      else {
        if (s === 1) unique++;
        if (s < k) small++;
        expected += 1 / s;
      }
      if (hit) for (let b = 0; b < BINS.length; b++) if (s >= BINS[b][1] && s <= BINS[b][2]) bins[b]++;
    }
    rows.push([m, n, absent, ...bins]);
    per.push({ level: m, targets: n, unique, small, expected: n > 0 ? expected / n : 0, absent });
    if (n === 0) continue;
    const u = wilson(unique, n);
    const sm = wilson(small, n);
    metrics[`uniqueShare${letter}${m}`] = { value: u.value, ci95: u.ci, n };
    metrics[`smallSetShare${letter}${m}`] = { value: sm.value, ci95: sm.ci, n };
    metrics[`expectedReidentification${letter}${m}`] = { value: expected / n, ci95: null, n };
    points.push({ x: m, y: u.value, lo: u.ci[0], hi: u.ci[1] });
    if (!best || u.value > best.value || (u.value === best.value && u.ci[1] > best.ci95![1])) {
      best = metrics[`uniqueShare${letter}${m}`];
    }
    bestExpected = Math.max(bestExpected, expected / n);
  }
  if (!best) {
    throw new ReidgateError(
      'ATTACK_FAILED',
      `${labels.id}: no target holds any ${labels.what}; nothing to measure`,
    );
  }
  metrics.uniqueShareMax = best;
  metrics.expectedReidentification = { value: bestExpected, ci95: null, n: best.n };
  metrics.targets = { value: T, ci95: null };
  return {
    metrics,
    levels: per,
    table: {
      title: `Compatible-set sizes by ${labels.x} (targets per size; "absent": the true person is not compatible)`,
      columns: [labels.x, 'targets', 'absent', ...BINS.map(([b]) => b)],
      rows,
    },
    series: {
      id: labels.id,
      title: labels.title,
      x: { label: labels.x },
      y: { label: 'share of targets uniquely identified' },
      mark: 'line',
      points,
      note: 'Wilson 95% intervals.',
    },
  };
}
