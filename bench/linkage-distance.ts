/**
 * @module bench/linkage-distance — tinybench tasks for distance-based linkage (issue 4, method 3).
 *
 * Release: the generated 1,000,000-row table of bench/generate.ts (10 QIs; age, birth_month,
 * birth_day and income_decile numeric, the rest categorical). Targets, 10,000 each:
 * - `members`: a seeded sample of the release's own records (the release is the original: every
 *   target has a record at distance 0);
 * - `non-members`: fresh records from the same generator with another seed (people not released);
 * - `generalized`: members again, against a release whose age is cut into 5-year intervals.
 * Per case and worker count: `distanceLinkage` for Gower and for Manhattan with the release's index
 * already built (the linkage attack builds it once and both metrics share it), and — once, on the
 * members case — the index build alone (a fresh table identity per iteration defeats the per-table
 * cache). A full run of both metrics costs build + Gower + Manhattan. Each case is encoded (and its
 * index built) when its first task starts and dropped when the next case starts, so memory holds one
 * case at a time. BENCH_DISTANCE_CASES selects cases (default members,non-members,generalized).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeVector, Table, tableFromArrays, type Vector } from 'apache-arrow';
import type { Bench } from 'tinybench';
import { buildNeighbourIndexOn, distanceLinkage } from '../attacks/linkage/distance.js';
import type { AttackContext } from '../attacks/types.js';
import { encodeJoint, type JointEncoding } from '../src/encode/joint.js';
import type { ColumnKind, EncodedTable } from '../src/encode/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { rng, sampleIndices } from '../src/stats/random.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';

const NUMERIC = new Set(['age', 'birth_month', 'birth_day', 'income_decile']);
const RELEASE_ROWS = 1_000_000;
const TARGETS = 10_000;
const COLUMNS = BENCH_COLUMNS.map(([name]) => name);

const kindOf = (name: string): ColumnKind => (NUMERIC.has(name) ? 'numeric' : 'categorical');

/** Encodes release and targets jointly over the bench columns. */
function encode(release: Table, targets: Table): JointEncoding {
  return encodeJoint(
    new Map([
      ['release', { table: release, label: 'release' }],
      ['original', { table: targets, label: 'targets' }],
    ]),
    COLUMNS.map((name) => ({ name, kind: kindOf(name) })),
  );
}

/** The release with age cut into 5-year intervals (`30-34`). */
function generalizeAge(t: Table): Table {
  const age = t.getChild('age')!;
  const cut = new Array<string | null>(t.numRows);
  for (let i = 0; i < t.numRows; i++) {
    const v = age.get(i);
    const a = v === null ? Number.NaN : Number(v);
    cut[i] = Number.isNaN(a) ? null : `${Math.floor(a / 5) * 5}-${Math.floor(a / 5) * 5 + 4}`;
  }
  const ageVec = tableFromArrays({ age: cut as string[] }).getChild('age')!;
  const cols: Record<string, Vector> = {};
  for (const name of COLUMNS) cols[name] = name === 'age' ? ageVec : makeVector(t.getChild(name)!.data);
  return new Table(cols);
}

/** One case, encoded. */
interface Case {
  release: EncodedTable;
  targets: EncodedTable;
  compat: JointEncoding['compat'];
  rows: Int32Array;
  truth: Int32Array;
}

/** The attack context. */
function context(pool: WorkerPool, c: Case): AttackContext {
  return {
    release: c.release,
    qi: COLUMNS.map((name) => ({ name, kind: kindOf(name) })),
    sensitive: [],
    pool,
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    linkage: {
      targetsRole: 'original',
      targets: c.targets,
      targetRows: c.rows,
      truth: c.truth,
      groundTruth: c.truth[0] === -1 ? 'none' : 'aligned',
      knownQi: COLUMNS,
      compat: c.compat,
    },
  };
}

/**
 * Adds the distance-linkage tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerDistanceBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  const dir = '.bench-data';
  mkdirSync(dir, { recursive: true });
  const releasePath = join(dir, `bench-${RELEASE_ROWS}.csv`);
  const freshPath = join(dir, `bench-targets-${TARGETS}-seed-4242.csv`);
  if (!existsSync(releasePath)) await writeBenchCsv(releasePath, RELEASE_ROWS);
  if (!existsSync(freshPath)) await writeBenchCsv(freshPath, TARGETS, 4242);
  const release = (await loadTable(releasePath)).table;
  const selected = new Set(
    (process.env.BENCH_DISTANCE_CASES ?? 'members,non-members,generalized').split(','),
  );
  const sample = sampleIndices(RELEASE_ROWS, TARGETS, rng(11));
  const all = Int32Array.from({ length: TARGETS }, (_, i) => i);
  const none = new Int32Array(TARGETS).fill(-1);
  const makers: Record<string, () => Promise<Case>> = {
    members: async () => ({ ...tables(encode(release, release)), rows: sample, truth: sample }),
    'non-members': async () => ({
      ...tables(encode(release, (await loadTable(freshPath)).table)),
      rows: all,
      truth: none,
    }),
    generalized: async () => ({
      ...tables(encode(generalizeAge(release), release)),
      rows: sample,
      truth: sample,
    }),
  };
  const first = pools.values().next().value!;
  let current: { label: string; data: Case } | undefined;
  const load = (label: string) => async () => {
    if (current?.label === label) return;
    current = undefined; // drop the previous case before encoding the next
    const data = await makers[label]();
    await buildNeighbourIndexOn(first, { table: data.release }, COLUMNS);
    current = { label, data };
  };
  const data = () => current!.data;
  for (const label of Object.keys(makers)) {
    if (!selected.has(label)) continue;
    const beforeAll = load(label);
    if (label === 'members') {
      bench.add(
        `distance index build ${RELEASE_ROWS} rows × 10 QIs (once per release)`,
        async () => {
          await buildNeighbourIndexOn(first, { table: { ...data().release } }, COLUMNS);
        },
        { beforeAll },
      );
    }
    for (const [w, pool] of pools) {
      for (const metric of ['gower', 'manhattan'] as const) {
        bench.add(
          `distance-${metric} ${TARGETS} targets (${label}) vs ${RELEASE_ROWS} rows, ${w} worker${w > 1 ? 's' : ''}`,
          async () => {
            await distanceLinkage(context(pool, data()), metric);
          },
          { beforeAll },
        );
      }
    }
  }
}

function tables(j: JointEncoding): Pick<Case, 'release' | 'targets' | 'compat'> {
  return { release: j.tables.get('release')!, targets: j.tables.get('original')!, compat: j.compat };
}
