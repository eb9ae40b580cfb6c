/**
 * @module bench/diversity — tinybench tasks for the diversity attack (l-diversity, t-closeness).
 *
 * On Adult (30,162 rows, 8 QIs, sensitive salary-class) and on a 300,000-row variant resampled from
 * it with replacement (seeded), each with 1 and 2 workers. Adult is read from
 * `datasets/adult/adult.csv` under the working directory (or BENCH_ADULT).
 */
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { diversity } from '../attacks/diversity/index.js';
import type { QiSpec } from '../attacks/types.js';
import { encodeTable, sharedInt32 } from '../src/encode/encode.js';
import type { Column, EncodedTable } from '../src/encode/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { xorshift } from './generate.js';

const QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];
const SENSITIVE = 'salary-class';

/**
 * Draws `rows` records from `t` with replacement (seeded): same columns, codes and dictionaries.
 * @param t - the encoded table
 * @param rows - rows of the result
 * @param seed - generator seed
 */
export function resample(t: EncodedTable, rows: number, seed = 42): EncodedTable {
  const rnd = xorshift(seed);
  const pick = new Int32Array(rows);
  for (let i = 0; i < rows; i++) pick[i] = Math.floor(rnd() * t.rows);
  const columns = new Map<string, Column>();
  for (const [name, c] of t.columns) {
    const codes = sharedInt32(rows);
    for (let i = 0; i < rows; i++) codes[i] = c.codes[pick[i]];
    columns.set(name, { name, kind: c.kind, length: rows, cardinality: c.cardinality, codes });
  }
  return { rows, columns, dictionaries: t.dictionaries };
}

/**
 * Adds the diversity tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerDiversityBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  const path = process.env.BENCH_ADULT ?? join(process.cwd(), 'datasets', 'adult', 'adult.csv');
  const loaded = await loadTable(path);
  const specs = [...QI, SENSITIVE].map((name) => ({ name, kind: 'categorical' as const }));
  const adult = encodeTable(loaded.table, specs, path);
  const qi: QiSpec[] = QI.map((name) => ({ name, kind: 'categorical' }));
  const tables: Array<[string, EncodedTable]> = [
    [`Adult ${adult.rows} rows`, adult],
    ['Adult resampled 300000 rows', resample(adult, 300_000)],
  ];
  for (const [label, release] of tables) {
    for (const [w, pool] of pools) {
      bench.add(`diversity ${label} × 8 QIs, ${w} worker${w > 1 ? 's' : ''}`, async () => {
        await diversity.run({
          release,
          qi,
          sensitive: [SENSITIVE],
          pool,
          seed: 1,
          recordThreshold: 0.2,
          wildcard: false,
        });
      });
    }
  }
}
