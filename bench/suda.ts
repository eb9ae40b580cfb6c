/**
 * @module bench/suda — tinybench tasks for the suda attack (SUDA2 minimal sample uniques, SUDA and
 * DIS-SUDA scores).
 *
 * On Adult (30,162 rows, 8 QIs), on a 300,000-row variant resampled from it with replacement (seeded,
 * as bench/diversity does: the case sdcMicro's 1.9 s for suda2 refers to), and on a harder 300,000-row
 * variant in which each value is, with probability 0.3, taken from another random record (seeded), so
 * that new combinations and many more minimal sample uniques appear; each with 1 and 2 workers. Adult
 * is read from `datasets/adult/adult.csv` under the working directory (or BENCH_ADULT).
 */
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { suda } from '../attacks/suda/index.js';
import type { QiSpec } from '../attacks/types.js';
import { encodeTable, sharedInt32 } from '../src/encode/encode.js';
import type { Column, EncodedTable } from '../src/encode/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { resample } from './diversity.js';
import { xorshift } from './generate.js';

const QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];

/**
 * Draws `rows` records from `t` (seeded); each value comes, with probability `mix`, from another
 * record drawn independently, so columns keep their distributions but combinations are new.
 */
export function mixedVariant(t: EncodedTable, rows: number, mix = 0.3, seed = 42): EncodedTable {
  const rnd = xorshift(seed);
  const cols = [...t.columns.values()];
  const codes = cols.map(() => sharedInt32(rows));
  for (let i = 0; i < rows; i++) {
    const base = Math.floor(rnd() * t.rows);
    for (let c = 0; c < cols.length; c++) {
      const from = rnd() < mix ? Math.floor(rnd() * t.rows) : base;
      codes[c][i] = cols[c].codes[from];
    }
  }
  const columns = new Map<string, Column>(
    cols.map((c, j) => [
      c.name,
      { name: c.name, kind: c.kind, length: rows, cardinality: c.cardinality, codes: codes[j] },
    ]),
  );
  return { rows, columns, dictionaries: t.dictionaries };
}

/** Loads Adult's eight QIs. */
export async function loadAdult(): Promise<EncodedTable> {
  const path = process.env.BENCH_ADULT ?? join(process.cwd(), 'datasets', 'adult', 'adult.csv');
  const loaded = await loadTable(path);
  return encodeTable(
    loaded.table,
    QI.map((name) => ({ name, kind: 'categorical' as const })),
    path,
  );
}

/** The benchmark cases: label and table. */
export async function sudaCases(): Promise<Array<[string, EncodedTable]>> {
  const adult = await loadAdult();
  return [
    [`Adult ${adult.rows} rows`, adult],
    ['Adult resampled 300000 rows', resample(adult, 300_000)],
    ['Adult mixed 300000 rows', mixedVariant(adult, 300_000)],
  ];
}

/** Runs the attack once on `release` (all eight QIs). */
export function runSuda(release: EncodedTable, pool: WorkerPool) {
  const qi: QiSpec[] = QI.map((name) => ({ name, kind: 'categorical' }));
  return suda.run({ release, qi, sensitive: [], pool, seed: 1, recordThreshold: 0.2, wildcard: false });
}

/**
 * Adds the suda tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerSudaBenchmarks(bench: Bench, pools: Map<number, WorkerPool>): Promise<void> {
  for (const [label, release] of await sudaCases()) {
    for (const [w, pool] of pools) {
      bench.add(`suda ${label} × 8 QIs, ${w} worker${w > 1 ? 's' : ''}`, async () => {
        await runSuda(release, pool);
      });
    }
  }
}
