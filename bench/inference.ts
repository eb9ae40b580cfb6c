/**
 * @module bench/inference — tinybench tasks for the inference attack.
 *
 * Issue 5's performance setting: 10,000 member and 10,000 control targets against a 10,000- and a
 * 100,000-row release, 12 mixed columns — the benchmark's 10 QIs (`age` numeric, the rest
 * categorical) plus a categorical secret (`diagnosis`, 20 values, tied to age and education) and a
 * numeric one (`salary`, tied to education and occupation, with noise) — k = 1, with 1 and 2 workers.
 * Tables are drawn (seeded, with different seeds per role) and built in memory with shared codes, as
 * joint encoding would give them.
 */
import type { Bench } from 'tinybench';
import { inference } from '../attacks/inference/index.js';
import type { AttackContext, QiSpec } from '../attacks/types.js';
import { sharedFloat64, sharedInt32 } from '../src/encode/encode.js';
import type { Column, EncodedTable } from '../src/encode/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { BENCH_COLUMNS, xorshift } from './generate.js';

const QI: QiSpec[] = BENCH_COLUMNS.map(([name]) => ({
  name,
  kind: name === 'age' ? 'numeric' : 'categorical',
}));
const DIAGNOSES = 20;
/** Salaries are rounded to 100s, so the numeric secret has a dictionary of distinct values. */
const SALARY_STEP = 100;
/** Salary codes 0 … 999 (salaries stay below 100,000). */
const SALARY_CODES = 1000;

/**
 * A table of `rows` rows: the benchmark QIs (skewed draws) and the two secrets.
 * @param rows - rows of the table
 * @param seed - generator seed
 */
export function inferenceTable(rows: number, seed: number): EncodedTable {
  const rnd = xorshift(seed);
  const codes = BENCH_COLUMNS.map(() => sharedInt32(rows));
  const diagnosis = sharedInt32(rows);
  const salaryValue = new Float64Array(rows);
  const col = (name: string) => BENCH_COLUMNS.findIndex(([n]) => n === name);
  const [age, education, occupation] = [col('age'), col('education'), col('occupation')];
  for (let i = 0; i < rows; i++) {
    BENCH_COLUMNS.forEach(([, k], j) => {
      codes[j][i] = Math.floor(rnd() * rnd() * k);
    });
    diagnosis[i] =
      rnd() < 0.6
        ? (Math.floor(codes[age][i] / 10) + codes[education][i]) % DIAGNOSES
        : Math.floor(rnd() * DIAGNOSES);
    const base = 20_000 + 3_000 * codes[education][i] + 1_000 * codes[occupation][i];
    salaryValue[i] = Math.round((base * (0.8 + 0.4 * rnd())) / SALARY_STEP) * SALARY_STEP;
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
  columns.set('diagnosis', {
    name: 'diagnosis',
    kind: 'categorical',
    length: rows,
    cardinality: DIAGNOSES,
    codes: diagnosis,
  });
  // Salary codes: the value's step index (a dictionary shared by every table built here).
  const salaryCodes = sharedInt32(rows);
  const salary = sharedFloat64(rows);
  for (let i = 0; i < rows; i++) {
    salary[i] = salaryValue[i];
    salaryCodes[i] = salaryValue[i] / SALARY_STEP;
  }
  columns.set('salary', {
    name: 'salary',
    kind: 'numeric',
    length: rows,
    cardinality: SALARY_CODES,
    codes: salaryCodes,
    numbers: salary,
  });
  return { rows, columns, dictionaries: new Map() };
}

/**
 * Adds the inference tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerInferenceBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  const targets = 10_000;
  const [original, control] = [2, 3].map((s) => inferenceTable(targets, 7000 + s));
  for (const rows of [10_000, 100_000]) {
    const release = inferenceTable(rows, 7001 + rows);
    for (const [w, pool] of pools) {
      bench.add(
        `inference ${targets} + ${targets} targets vs ${rows} rows × 12 columns, 2 secrets, ${w} worker${w > 1 ? 's' : ''}`,
        async () => {
          await inference.run({
            release,
            original,
            control,
            qi: QI,
            sensitive: ['diagnosis', 'salary'],
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
