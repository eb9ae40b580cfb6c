/**
 * @module attacks/diversity — attribute disclosure inside equivalence classes: distinct, entropy and
 * recursive (c,l)-diversity, t-closeness, and homogeneity.
 *
 * k-anonymity hides who a record is among its class, but if the class's sensitive values are all
 * alike the attacker learns the value anyway (the homogeneity attack), and if their distribution is
 * far from the table's the attacker learns much about it (skewness). Per class and sensitive attribute:
 *
 *   distinct l = k (distinct values),  entropy l = exp(−Σ pᵢ ln pᵢ),
 *   recursive l = the largest l with r₁ < c·(r_l + … + r_k)  (counts r descending, c = 2 by default)
 *     — Machanavajjhala et al., ACM TKDD 1(1):3, 2007, doi:10.1145/1217299.1217302; per record as
 *       sdcMicro 5.8.1's `ldiversity` reports `Distinct_Ldiversity`, `Entropy_Ldiversity`, `Recursive_Ldiversity`;
 *   t = EMD(class distribution, table distribution), equal distance ½Σ|pᵢ−qᵢ| for categorical
 *     attributes, ordered distance 1/(m−1)·Σᵢ|Σ_{j≤i}(pⱼ−qⱼ)| for numeric ones
 *     — Li, Li & Venkatasubramanian, ICDE 2007, doi:10.1109/ICDE.2007.367856;
 *   homogeneous records: records in classes whose members all share the value (distinct l = 1).
 *
 * Classes and their value counts come from the trial's engine (`classValueCounts`: exact grouping on
 * the pool locally, SQL on DuckDB; classes and values numbered by first record, so every engine gives
 * the same arrays); the per-class measures are computed on the pool, sharded by contiguous class
 * ranges and merged in class order, so 1 and N workers and every engine give identical numbers.
 */
import { sharedFloat64 } from '../../src/encode/encode.js';
import { LocalEngine, WILDCARD_VALUE } from '../../src/engine/local.js';
import type { ClassValueCounts } from '../../src/engine/types.js';
import { ReidgateError } from '../../src/errors.js';
import type { Attack, AttackContext, AttackOutcome } from '../types.js';
import type { ClassStatsOut } from './kernels.js';
import {
  type AttributeSummary,
  classWorst,
  distinctLHistogram,
  type PerClass,
  perRecordWorst,
  summarizeAttribute,
} from './summary.js';
import { type EngineValues, engineValues } from './values.js';

/** sdcMicro's default (and the oracle's) recursive-diversity constant `l_recurs_c`. */
export const RECURSIVE_C = 2;

/** Splits classes into ≤ parts contiguous ranges of near-equal record counts. */
function classShards(idx: Classes, parts: number): Array<[number, number]> {
  const n = idx.starts[idx.classes];
  const out: Array<[number, number]> = [];
  let from = 0;
  for (let p = 1; p <= parts && from < idx.classes; p++) {
    let to = idx.classes;
    if (p < parts) {
      const target = (n * p) / parts;
      to = from;
      while (to < idx.classes && idx.starts[to] < target) to++;
      if (to === from) continue;
    }
    out.push([from, to]);
    from = to;
  }
  return out;
}

/** Where a kernel writes one attribute's per-class results, and the same buffers as Float64Arrays. */
function perClassBuffers(classes: number): { out: ClassStatsOut; view: PerClass } {
  const view = {
    distinct: sharedFloat64(classes),
    entropy: sharedFloat64(classes),
    recursive: sharedFloat64(classes),
    t: sharedFloat64(classes),
  };
  const buf = (a: Float64Array) => a.buffer as SharedArrayBuffer;
  return {
    out: {
      distinct: buf(view.distinct),
      entropy: buf(view.entropy),
      recursive: buf(view.recursive),
      t: buf(view.t),
    },
    view,
  };
}

/** Warnings on how unusual values were treated (counts and column names only, no raw values). */
function semanticsWarnings(first: ClassValueCounts, sens: readonly EngineValues[]): string[] {
  const w: string[] = [];
  if (first.wildcardIn.length > 0) {
    w.push(
      `wildcard (suppressed) values in ${first.wildcardIn.join(', ')} were treated as their own value when forming classes for l-diversity and t-closeness, not as matching any value`,
    );
  }
  if (first.missingIn.length > 0) {
    w.push(
      `missing values in ${first.missingIn.join(', ')} were treated as their own value when forming classes`,
    );
  }
  for (const v of sens) {
    if (v.missing > 0) {
      w.push(
        `${v.missing} records have a missing or suppressed ${v.name}: it counts as one more value of ${v.name} in its class`,
      );
    }
    if (v.distance === 'ordered' && v.notNumbers > 0) {
      w.push(
        `${v.notNumbers} records have a ${v.name} that is missing or not a number: they are left out of ${v.name}'s t-closeness distributions`,
      );
    }
  }
  return w;
}

/** Classes as the summaries read them: record offsets (class sizes). */
interface Classes {
  classes: number;
  starts: Int32Array;
}

/** Record offsets of the classes from an engine's value counts (class size = Σ its counts). */
function recordStarts(a: ClassValueCounts): Int32Array {
  const starts = new Int32Array(a.classes + 1);
  for (let c = 0; c < a.classes; c++) {
    let s = 0;
    for (let q = a.starts[c]; q < a.starts[c + 1]; q++) s += a.count[q];
    starts[c + 1] = starts[c] + s;
  }
  return starts;
}

const METHOD =
  'Classes are records with identical released QI values; a missing value, and with --wildcard a wildcard token, is its own value here (no wildcard matching). ' +
  'Per class and sensitive attribute: distinct l = number of distinct values; entropy l = exp(entropy of the values, natural log); ' +
  `recursive l = the largest l such that the class is recursive (c,l)-diverse with c = ${RECURSIVE_C}, i.e. r1 < c(r_l + … + r_k) for the value counts r in descending order (1 when none) — the figure sdcMicro's ldiversity reports; ` +
  "a missing sensitive value counts as one more value. t = Earth Mover's Distance between the class's and the whole table's distribution: equal ground distance for categorical attributes (half the L1 distance), ordered distance over the distinct numbers present in the table for numeric ones (values that are not numbers left out; a class with none has t = 0). " +
  'Homogeneous records: their class has one value only (class size 1 included). Metrics take the worst attribute; per-record columns lDistinct, lEntropy, lRecursive, tCloseness are, per record, the worst across sensitive attributes (smallest l, largest t).';

export const diversity: Attack = {
  id: 'diversity',
  title: 'l-diversity, t-closeness and homogeneity of sensitive attributes',
  summary:
    "Looks inside each group of records sharing their quasi-identifiers: when a group's sensitive values are all alike, or distributed very differently from the whole table, knowing someone's group reveals their sensitive value.",
  references: [
    'Machanavajjhala A, Kifer D, Gehrke J, Venkitasubramaniam M. l-diversity: privacy beyond k-anonymity. ACM TKDD 2007;1(1):3. doi:10.1145/1217299.1217302',
    'Li N, Li T, Venkatasubramanian S. t-closeness: privacy beyond k-anonymity and l-diversity. ICDE 2007:106-115. doi:10.1109/ICDE.2007.367856',
    'Templ M, Kowarik A, Meindl B. Statistical disclosure control for micro-data using the R package sdcMicro. J Stat Softw 2015;67(4). doi:10.18637/jss.v067.i04',
  ],
  metrics: {
    minDistinctL:
      'Fewest distinct sensitive values in any group (1 means some group reveals its value outright).',
    minEntropyL:
      'Smallest entropy l over the groups: exp of the entropy of a group\'s sensitive values (an "effective number" of values).',
    minRecursiveL: `Largest l for which every group is recursive (c=${RECURSIVE_C}, l)-diverse: its most common value is rarer than ${RECURSIVE_C}× the rest from the l-th most common on.`,
    tClosenessMax:
      "Largest distance (EMD, 0…1) between a group's sensitive values and the whole table's: how much the worst group tells an attacker.",
    tClosenessMean: 'Average over groups of that distance.',
    tClosenessRecordMean: "Average over records of their group's distance.",
    homogeneousRecords:
      'Records whose group all share their sensitive value, so the group alone discloses it.',
    homogeneousFraction: 'Share of records whose group all share their sensitive value.',
  },
  needs: (inputs) => (inputs.sensitive > 0 ? null : 'no sensitive attributes given (--sensitive)'),

  engine: ['classValueCounts'],

  async run(ctx: AttackContext): Promise<AttackOutcome> {
    const n = ctx.release.rows;
    if (n < 1) throw new ReidgateError('INTERNAL', 'diversity: the release has no records');
    // The counting runs on the trial's engine (local kernels, or SQL pushed down to DuckDB).
    const engine = ctx.engine ?? new LocalEngine({ release: ctx.release }, ctx.pool);
    const columns = ctx.qi.map((x) => x.name);
    // Per sensitive attribute: value counts per class (classes numbered alike by every engine and
    // query: by first record); each record's class once, unless per-record output is off
    // (--no-record-risk: aggregates only, no per-row answer streamed back from the engine).
    const wantPerRecord = ctx.recordRisk !== false;
    if (!engine.classValueCounts)
      throw new ReidgateError('INTERNAL', `diversity: ${engine.name} lacks classValueCounts`);
    const answers: ClassValueCounts[] = [];
    for (const [a, value] of ctx.sensitive.entries())
      answers.push(
        await engine.classValueCounts({
          role: 'release',
          columns,
          value,
          perRecord: wantPerRecord && a === 0,
        }),
      );
    const values = answers.map((ans, a) => {
      const name = ctx.sensitive[a];
      const kind = ctx.release.columns.get(name)?.kind ?? ctx.sensitiveKinds?.get(name) ?? 'categorical';
      return engineValues(name, kind, ans.values, ans.totals, WILDCARD_VALUE);
    });
    const idx: Classes = { classes: answers[0].classes, starts: recordStarts(answers[0]) };
    const buffers = values.map(() => perClassBuffers(idx.classes));
    await ctx.pool.map(
      'diversity.classStats',
      classShards(idx, ctx.pool.workers).map(([from, to]) => ({
        from,
        to,
        c: RECURSIVE_C,
        attributes: values.map((v, a) => ({
          values: v,
          pairs: {
            starts: answers[a].starts.buffer as SharedArrayBuffer,
            valueId: answers[a].valueId.buffer as SharedArrayBuffer,
            count: answers[a].count.buffer as SharedArrayBuffer,
          },
          out: buffers[a].out,
        })),
      })),
    );
    const attrs: AttributeSummary[] = values.map((v, a) =>
      summarizeAttribute(v.name, v.distance, buffers[a].view, idx, n),
    );
    const worst = classWorst(
      buffers.map((b) => b.view),
      idx.classes,
    );
    const min = (f: (s: AttributeSummary) => number) => Math.min(...attrs.map(f));
    const max = (f: (s: AttributeSummary) => number) => Math.max(...attrs.map(f));
    const exact = (value: number, count?: number) =>
      count === undefined ? { value, ci95: null } : { value, ci95: null, n: count };
    const homogeneous = max((s) => s.homogeneousRecords);
    let homogeneousAny = 0;
    for (let c = 0; c < idx.classes; c++)
      if (worst.distinct[c] === 1) homogeneousAny += idx.starts[c + 1] - idx.starts[c];
    let perRecord: AttackOutcome['perRecord'];
    if (wantPerRecord) perRecord = { ...perRecordWorst(worst, answers[0].classOf!) };
    return {
      metrics: {
        minDistinctL: exact(min((s) => s.minDistinctL)),
        minEntropyL: exact(min((s) => s.minEntropyL)),
        minRecursiveL: exact(min((s) => s.minRecursiveL)),
        tClosenessMax: exact(max((s) => s.tClosenessMax)),
        tClosenessMean: exact(
          max((s) => s.tClosenessMean),
          idx.classes,
        ),
        tClosenessRecordMean: exact(
          max((s) => s.tClosenessRecordMean),
          n,
        ),
        homogeneousRecords: exact(homogeneous),
        homogeneousFraction: exact(homogeneous / n, n),
      },
      perRecord,
      histograms: [distinctLHistogram(worst.distinct, idx)],
      details: {
        records: n,
        equivalenceClasses: idx.classes,
        recursiveC: RECURSIVE_C,
        homogeneousRecordsAnyAttribute: homogeneousAny,
        attributes: attrs,
      },
      warnings: semanticsWarnings(answers[0], values),
      method: METHOD,
    };
  },
};
