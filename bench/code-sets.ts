/**
 * @module bench/code-sets — tinybench tasks for the person-level attacks (issue 6): building the person
 * view of 1,000,000 patients with 20 events each on average (both sides), and the code-sets attack for
 * m ≤ 3 on 10,000 targets, alone and together with the view build.
 *
 * Data (generated here, seeded, not from files: CSV parsing is measured by the gate suite): patients
 * with sex (2), birth year-month (1930–2009, 960 values) and prefecture (47) drawn uniformly; per
 * patient 10–30 events (uniform, mean 20) split 3:1 between diagnoses (1,500 codes) and prescriptions
 * (500 codes), codes Zipf-distributed (exponent 1.1: a few common chronic codes and a long tail), dates
 * uniform over 60 months. The release is the original itself (every target is in it, truth by row):
 * the hardest case for the counting, whose cost grows with the compatible sets.
 */
import type { Bench } from 'tinybench';
import { codeSets } from '../attacks/code-sets/index.js';
import type { AttackContext, CompatRelation, QiSpec } from '../attacks/types.js';
import { sharedInt32 } from '../src/encode/encode.js';
import type { Column, EncodedTable } from '../src/encode/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import {
  buildPersonSide,
  type EventTableInfo,
  type PersonView,
  type SideEvents,
} from '../src/relational/person-view.js';
import { deriveSeed, rng, sampleIndices } from '../src/stats/random.js';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1_000_000);
const TARGETS = 10_000;
const QI: ReadonlyArray<[string, number]> = [
  ['sex', 2],
  ['birth_ym', 960],
  ['pref', 47],
];
const TABLES: ReadonlyArray<[string, number, number]> = [
  ['diagnoses', 1500, 0.75],
  ['prescriptions', 500, 0.25],
];

/** A Zipf(s) sampler over 0 … n−1 (inverse CDF by binary search). */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Generated demographics and events (one side; the release is the same data). */
export function generateCohort(patients: number, seed = 1) {
  const random = rng(seed);
  const columns = new Map<string, Column>();
  const dictionaries = new Map<string, readonly string[]>();
  const compat = new Map<string, CompatRelation>();
  for (const [name, card] of QI) {
    const codes = sharedInt32(patients);
    for (let i = 0; i < patients; i++) codes[i] = Math.floor(random() * card);
    columns.set(name, { name, kind: 'categorical', length: patients, cardinality: card, codes });
    dictionaries.set(
      name,
      Array.from({ length: card }, (_, c) => `${name}-${c}`),
    );
    compat.set(name, { offsets: sharedInt32(card + 1), codes: sharedInt32(0), generalized: sharedInt32(0) });
  }
  const table: EncodedTable = { rows: patients, columns, dictionaries };
  const tables: EventTableInfo[] = [];
  const events: SideEvents[] = [];
  let base = 0;
  const perPatient = new Int32Array(patients);
  for (let p = 0; p < patients; p++) perPatient[p] = 10 + Math.floor(random() * 21);
  for (const [name, codes, share] of TABLES) {
    const draw = zipf(codes, 1.1, random);
    const counts = Int32Array.from(perPatient, (n) => Math.round(n * share));
    let total = 0;
    for (const c of counts) total += c;
    const person = new Int32Array(total);
    const code = new Int32Array(total);
    const lo = new Int32Array(total);
    let k = 0;
    for (let p = 0; p < patients; p++) {
      for (let j = 0; j < counts[p]; j++) {
        person[k] = p;
        code[k] = base + draw();
        lo[k] = 2020 * 12 + Math.floor(random() * 60);
        k++;
      }
    }
    events.push({ person, code, lo, hi: lo });
    tables.push({
      name,
      base,
      codes,
      suppressed: base + codes,
      dated: true,
      precision: 'month',
      shiftDays: 0,
    });
    base += codes + 1;
  }
  return { table, compat, tables, events, codes: base };
}

/** Builds the person view of the generated cohort (release and original sides). */
export function benchView(c: ReturnType<typeof generateCohort>): PersonView {
  const release = buildPersonSide(c.table.rows, c.events);
  const original = buildPersonSide(c.table.rows, c.events);
  const truth = sharedInt32(c.table.rows);
  for (let i = 0; i < truth.length; i++) truth[i] = i;
  return { tables: c.tables, codes: c.codes, release, original, truth, values: [], codeLabels: [] };
}

/** The attack context of the benchmark. */
export function codeSetsContext(
  c: ReturnType<typeof generateCohort>,
  persons: PersonView,
  pool: WorkerPool,
): AttackContext {
  const qi: QiSpec[] = QI.map(([name]) => ({ name, kind: 'categorical' }));
  const targetRows = sampleIndices(
    c.table.rows,
    Math.min(TARGETS, c.table.rows),
    rng(deriveSeed(1, 'targets')),
  );
  return {
    // A fresh release identity per call: linkage's per-run preparation cache is not reused.
    release: { ...c.table },
    original: c.table,
    qi,
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.1,
    wildcard: false,
    persons,
    linkage: {
      targetsRole: 'original',
      targets: c.table,
      targetRows,
      truth: Int32Array.from(targetRows),
      groundTruth: 'id',
      knownQi: qi.map((q) => q.name),
      compat: c.compat,
    },
  };
}

/**
 * Adds the code-sets tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count
 */
export function registerCodeSetsBenchmarks(bench: Bench, pools: Map<number, WorkerPool>): void {
  const cohort = generateCohort(PATIENTS);
  const view = benchView(cohort);
  const label = `${PATIENTS} patients × 20 events`;
  bench.add(`person view (release + original), ${label}`, () => {
    benchView(cohort);
  });
  for (const [w, pool] of pools) {
    const workers = `${w} worker${w > 1 ? 's' : ''}`;
    bench.add(`code-sets m ≤ 3, ${TARGETS} targets, ${label}, ${workers}`, async () => {
      await codeSets.run(codeSetsContext(cohort, view, pool));
    });
    bench.add(`person view + code-sets m ≤ 3, ${TARGETS} targets, ${label}, ${workers}`, async () => {
      await codeSets.run(codeSetsContext(cohort, benchView(cohort), pool));
    });
  }
}
