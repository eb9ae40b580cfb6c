/**
 * @module bench/singling-out — tinybench tasks for the singling-out attack.
 *
 * Release, original and control of 10,000 and 100,000 rows each, drawn (seeded, with different
 * seeds) from the benchmark's 10-column generator, `age` numeric and the rest categorical; 2,000
 * predicates per mode (univariate and multivariate), with 1 and 2 workers. The tables are built in
 * memory with shared codes, as joint encoding would give them.
 */
import type { Bench } from 'tinybench';
import { singlingOut } from '../attacks/singling-out/index.js';
import type { AttackContext, QiSpec } from '../attacks/types.js';
import { sharedFloat64, sharedInt32 } from '../src/encode/encode.js';
import type { Column, EncodedTable } from '../src/encode/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { BENCH_COLUMNS, xorshift } from './generate.js';

const QI: QiSpec[] = BENCH_COLUMNS.map(([name]) => ({
  name,
  kind: name === 'age' ? 'numeric' : 'categorical',
}));

/**
 * A table of `rows` rows with the benchmark columns (skewed draws, so values repeat unevenly).
 * @param rows - rows of the table
 * @param seed - generator seed
 */
export function benchTable(rows: number, seed: number): EncodedTable {
  const rnd = xorshift(seed);
  const codes = BENCH_COLUMNS.map(() => sharedInt32(rows));
  for (let i = 0; i < rows; i++) {
    BENCH_COLUMNS.forEach(([, k], j) => {
      codes[j][i] = Math.floor(rnd() * rnd() * k);
    });
  }
  const columns = new Map<string, Column>();
  BENCH_COLUMNS.forEach(([name, k], j) => {
    let numbers: Float64Array | undefined;
    if (name === 'age') {
      numbers = sharedFloat64(rows);
      for (let i = 0; i < rows; i++) numbers[i] = codes[j][i];
    }
    const kind = name === 'age' ? 'numeric' : 'categorical';
    columns.set(name, { name, kind, length: rows, cardinality: k, codes: codes[j], numbers });
  });
  const dictionaries = new Map(BENCH_COLUMNS.map(([name, k]) => [name, Array.from({ length: k }, String)]));
  return { rows, columns, dictionaries };
}

/**
 * Adds the singling-out tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerSinglingOutBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  for (const rows of [10_000, 100_000]) {
    const [release, original, control] = [1, 2, 3].map((s) => benchTable(rows, 1000 * s + rows));
    for (const [w, pool] of pools) {
      bench.add(
        `singling-out ${rows} rows × 10 QIs, 2×2000 predicates, ${w} worker${w > 1 ? 's' : ''}`,
        async () => {
          await singlingOut.run({
            release,
            original,
            control,
            qi: QI,
            sensitive: [],
            pool,
            seed: 1,
            recordThreshold: 0.2,
            wildcard: false,
          } as AttackContext);
        },
      );
    }
  }
}
