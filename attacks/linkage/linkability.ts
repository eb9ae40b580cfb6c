/**
 * @module attacks/linkage/linkability — linkability without ground truth, after Giomi, Boenisch,
 * Wehmeyer & Tasnádi, "A Unified Framework for Quantifying Privacy Risk in Synthetic Data", PETS
 * 2023(2):312–328, doi:10.56553/popets-2023-0055 (re-implemented from the paper, not from its code).
 *
 * The attacker holds, for each target, two disjoint sets of its columns, A and B, as if they came from
 * two different data sources, and asks whether the release links them: it takes the k nearest
 * released records by A and the k nearest by B (Gower distance, the exact neighbour search of
 * distance-neighbours.ts) and claims a link when the two sets share a record.
 *
 *   main      = share of members (--original) whose A- and B-neighbours share a record
 *   control   = the same on non-members (--control): what the release links for anyone, e.g. because
 *               the columns of A and B are correlated in the population
 *   baseline  = the same with k records drawn at random for A and for B (a random guess; ≈ k²/n)
 *   risk      = (main − control)/(1 − control) on Wilson centres, error propagated to first order
 *               (src/stats residualRisk)
 *
 * No ground truth is needed: the link counts as success because A and B are one person's columns.
 * Records at equal distance are taken in one seeded random order of the release, the same for A and
 * B (an attacker breaking ties consistently; this raises main and control alike).
 */
import { listNames, q, ReidgateError } from '../../src/errors.js';
import { type Rate, type ResidualRisk, residualRisk, wilson } from '../../src/stats/intervals.js';
import { deriveSeed, rng, sampleIndices } from '../../src/stats/random.js';
import { gowerScales, sampleTargetSets, shuffleRelease } from '../shared/target-sets.js';
import type { AttackContext } from '../types.js';
import { buildNeighbourIndexOn, nearestNeighbours } from './distance-neighbours.js';
import type { LinkageSettings } from './options.js';

/** Default number of targets per set (members and non-members). */
export const DEFAULT_LINKABILITY_TARGETS = 10_000;

/** The linkability test's figures. */
export interface Linkability {
  columnsA: string[];
  columnsB: string[];
  k: number;
  targets: number;
  main: Rate;
  control: Rate;
  baseline: Rate;
  risk: ResidualRisk;
  /** Targets with no comparable value in A or in B (they cannot be linked; counted as failures). */
  unlinkable: { main: number; control: number };
  warnings: string[];
}

/** Either the figures or why the test did not run. */
export type LinkabilityResult = { ok: true; value: Linkability } | { ok: false; reason: string };

/** The default split of the QIs: the first ⌈m/2⌉ and the rest. */
export function defaultSplit(qi: readonly string[]): [string[], string[]] {
  const h = Math.ceil(qi.length / 2);
  return [qi.slice(0, h), qi.slice(h)];
}

function checkColumns(ctx: AttackContext, key: string, cols: readonly string[], qi: readonly string[]) {
  for (const c of cols) {
    if (!qi.includes(c)) {
      throw new ReidgateError(
        'USAGE',
        `--option linkage.${key}: ${q(c)} is not a quasi-identifier (QIs: ${listNames(qi)})`,
      );
    }
    for (const [role, t] of [
      ['release', ctx.release],
      ['original', ctx.original],
      ['control', ctx.control],
    ] as const) {
      if (!t?.columns.has(c)) {
        throw new ReidgateError('COLUMN', `--option linkage.${key}: column ${q(c)} not in the ${role}`);
      }
    }
  }
}

/** Per target position, 1 when its A- and B-neighbour sets share a record. */
function shared(a: Int32Array, b: Int32Array, n: number, k: number): { hits: number; none: number } {
  let hits = 0;
  let none = 0;
  for (let i = 0; i < n; i++) {
    if (a[i * k] < 0 || b[i * k] < 0) {
      none++;
      continue;
    }
    search: for (let x = 0; x < k; x++) {
      const r = a[i * k + x];
      if (r < 0) break;
      for (let y = 0; y < k; y++) {
        if (b[i * k + y] === r) {
          hits++;
          break search;
        }
      }
    }
  }
  return { hits, none };
}

/**
 * Runs the linkability test.
 * @param ctx - the attack context (needs `original` and `control`)
 * @param s - the linkage settings (column sets, k, targets)
 * @returns the figures, or the reason it was skipped (no control, no original, fewer than two QIs)
 * @throws ReidgateError('USAGE') for column sets that are not disjoint QIs; ('COLUMN') when one is absent
 */
export async function linkability(ctx: AttackContext, s: LinkageSettings): Promise<LinkabilityResult> {
  if (!s.linkability) return { ok: false, reason: 'turned off (--option linkage.linkability=false)' };
  if (!ctx.original) return { ok: false, reason: 'needs --original (the members the release was made from)' };
  if (!ctx.control) {
    return {
      ok: false,
      reason:
        'needs --control (records of the same population not used for the release) to tell a leak from what the release links for anyone',
    };
  }
  const qi = ctx.qi.map((x) => x.name);
  const [dA, dB] = defaultSplit(qi);
  const A = s.linkabilityA ?? (s.linkabilityB ? qi.filter((c) => !s.linkabilityB!.includes(c)) : dA);
  const B = s.linkabilityB ?? (s.linkabilityA ? qi.filter((c) => !A.includes(c)) : dB);
  if (A.length === 0 || B.length === 0) {
    return { ok: false, reason: `needs two non-empty column sets (A: ${A.join(', ')}; B: ${B.join(', ')})` };
  }
  checkColumns(ctx, 'linkabilityA', A, qi);
  checkColumns(ctx, 'linkabilityB', B, qi);
  const overlap = A.filter((c) => B.includes(c));
  if (overlap.length > 0) {
    throw new ReidgateError(
      'USAGE',
      `--option linkage.linkabilityA / linkabilityB: the column sets must be disjoint (both hold ${listNames(overlap)})`,
    );
  }
  const requested = s.linkabilityTargets ?? ctx.linkage?.targetRows.length ?? DEFAULT_LINKABILITY_TARGETS;
  const n = Math.min(requested, ctx.original.rows, ctx.control.rows);
  const warnings: string[] = [];
  if (ctx.release.rows === 0 || n === 0) {
    return { ok: false, reason: 'the release, the original or the control has no records' };
  }
  if (s.linkabilityTargets !== undefined && n < requested) {
    warnings.push(
      `linkability: ${requested} targets requested; the original has ${ctx.original.rows} records and the control ${ctx.control.rows}, so ${n} of each were attacked`,
    );
  }
  const k = Math.min(s.linkabilityK, ctx.release.rows);
  const sets = sampleTargetSets(ctx, n, 'linkability');
  const release = shuffleRelease(
    ctx.release,
    [...A, ...B],
    deriveSeed(ctx.seed, 'linkability:shuffle'),
  ).table;
  const scales = gowerScales(release, sets, [...A, ...B]);
  const reference = { table: release };
  // neighbours[side][set]: the k nearest release rows by column set A (side 0) or B (side 1).
  const neighbours: Int32Array[][] = [];
  for (const [cols, sc] of [
    [A, scales.subarray(0, A.length)],
    [B, scales.subarray(A.length)],
  ] as const) {
    const index = await buildNeighbourIndexOn(ctx.pool, reference, cols);
    const side: Int32Array[] = [];
    for (const set of sets) {
      const query = { table: set.table, rows: set.rows };
      const nn = await nearestNeighbours(ctx.pool, query, reference, cols, 'gower', k, {
        compat: ctx.linkage?.compat,
        scales: Float64Array.from(sc),
        index,
      });
      side.push(nn.index);
    }
    neighbours.push(side);
  }
  const [m, c] = [0, 1].map((i) => shared(neighbours[0][i], neighbours[1][i], n, k));
  const random = rng(deriveSeed(ctx.seed, 'linkability:baseline'));
  let base = 0;
  for (let i = 0; i < n; i++) {
    const a = sampleIndices(release.rows, k, random);
    const b = sampleIndices(release.rows, k, random);
    if (a.some((r) => b.includes(r))) base++;
  }
  const main = wilson(m.hits, n);
  const control = wilson(c.hits, n);
  const baseline = wilson(base, n);
  const risk = residualRisk(main, control);
  if (main.value <= baseline.value) {
    warnings.push(
      `linkability: the attack linked members no more often than random guessing (${main.value.toPrecision(3)} ≤ baseline ${baseline.value.toPrecision(3)}): it is weak here and its risk figure says little`,
    );
  }
  if (m.none + c.none > 0) {
    warnings.push(
      `linkability: ${m.none} member and ${c.none} control target(s) have no value comparable with the release in A or in B; counted as not linked`,
    );
  }
  return {
    ok: true,
    value: {
      columnsA: [...A],
      columnsB: [...B],
      k,
      targets: n,
      main,
      control,
      baseline,
      risk,
      unlinkable: { main: m.none, control: c.none },
      warnings,
    },
  };
}
