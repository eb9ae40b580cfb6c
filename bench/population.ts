/**
 * @module bench/population — tinybench tasks for the population attack.
 *
 * On Adult (30,162 rows, 8 QIs) at sampling fraction 0.1 (constant weight 10), and on a
 * 300,000-row variant resampled from it with replacement (seeded, as bench/diversity does) with
 * per-record sampling weights drawn uniformly from [5, 15) (seeded), each with 1 and 2 workers. The
 * tasks run the whole attack: grouping on the pool, Pitman / Zayatz / SNB and Dankar's rule,
 * journalist and marketer risk, and Benedetti–Franconi individual risk (approx and exact). Adult is
 * read from `datasets/adult/adult.csv` under the working directory (or BENCH_ADULT).
 */
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { population } from '../attacks/population/index.js';
import type { PopulationKnowledge, QiSpec } from '../attacks/types.js';
import { encodeTable, sharedFloat64 } from '../src/encode/encode.js';
import type { EncodedTable } from '../src/encode/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { resample } from './diversity.js';
import { xorshift } from './generate.js';

const QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];

/** Seeded sampling weights in [lo, hi), on shared memory. */
export function benchWeights(rows: number, lo = 5, hi = 15, seed = 7): Float64Array {
  const rnd = xorshift(seed);
  const w = sharedFloat64(rows);
  for (let i = 0; i < rows; i++) w[i] = lo + (hi - lo) * rnd();
  return w;
}

/**
 * Adds the population tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerPopulationBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  const path = process.env.BENCH_ADULT ?? join(process.cwd(), 'datasets', 'adult', 'adult.csv');
  const loaded = await loadTable(path);
  const adult = encodeTable(
    loaded.table,
    QI.map((name) => ({ name, kind: 'categorical' as const })),
    path,
  );
  const qi: QiSpec[] = QI.map((name) => ({ name, kind: 'categorical' }));
  const big = resample(adult, 300_000);
  const weights = benchWeights(big.rows);
  let total = 0;
  for (const w of weights) total += w;
  const cases: Array<[string, EncodedTable, PopulationKnowledge]> = [
    [
      `Adult ${adult.rows} rows, f = 0.1`,
      adult,
      { samplingFraction: 0.1, size: adult.rows * 10, source: 'sampling-fraction' },
    ],
    [
      'Adult resampled 300000 rows, weights',
      big,
      { size: total, samplingFraction: big.rows / total, weights, source: 'weights' },
    ],
  ];
  for (const [label, release, pop] of cases) {
    for (const [w, pool] of pools) {
      bench.add(`population ${label} × 8 QIs, ${w} worker${w > 1 ? 's' : ''}`, async () => {
        await population.run({
          release,
          qi,
          sensitive: [],
          pool,
          seed: 1,
          recordThreshold: 0.2,
          wildcard: false,
          population: pop,
        });
      });
    }
  }
}
