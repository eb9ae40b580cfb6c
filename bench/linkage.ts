/**
 * @module bench/linkage — tinybench tasks for the linkage attack (issue 4): exact compatible-set and
 * Fellegi–Sunter probabilistic linkage, and the whole attack (every method), for 10,000 targets against
 * a 1,000,000-row release.
 *
 * Data: the generated table of bench/generate.ts (10 QIs; age, birth_month, birth_day and
 * income_decile numeric) is the original; the release is row-aligned with it, with PRAM-like noise: in
 * 10% of rows `education` and in 10% `marital` are replaced by a uniformly drawn other value (seeded).
 * Targets: the attack's default seeded sample of 10,000 originals, with the true rows (aligned).
 * Control: 10,000 further generated rows (another seed), for the linkability test (10,000 members and
 * 10,000 control records; column sets: the default split of the QIs).
 * Jaro–Winkler: Fellegi–Sunter with and without it, and — to weigh a precomputed per-column
 * similarity table against comparing dictionary strings in the workers — the cost of such a table
 * for 2,000 × 2,000 distinct 8-letter strings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { exactLinkage } from '../attacks/linkage/exact.js';
import { linkage } from '../attacks/linkage/index.js';
import { JaroWinkler } from '../attacks/linkage/jaro-winkler.js';
import { linkability } from '../attacks/linkage/linkability.js';
import { linkageSettings } from '../attacks/linkage/options.js';
import { probabilisticLinkage } from '../attacks/linkage/probabilistic.js';
import type { AttackContext, QiSpec } from '../attacks/types.js';
import { sharedInt32 } from '../src/encode/encode.js';
import { encodeJoint } from '../src/encode/joint.js';
import type { Column, ColumnKind, EncodedTable } from '../src/encode/types.js';
import { loadTable } from '../src/io/index.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { deriveSeed, rng, sampleIndices } from '../src/stats/random.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';

const NUMERIC = new Set(['age', 'birth_month', 'birth_day', 'income_decile']);
const ROWS = 1_000_000;
const TARGETS = 10_000;
const NOISY: ReadonlyArray<[string, number]> = [
  ['education', 0.1],
  ['marital', 0.1],
];

/** The release: the original's codes with some values replaced by another value of the column. */
function perturb(original: EncodedTable, seed: number): EncodedTable {
  const random = rng(seed);
  const columns = new Map<string, Column>();
  for (const [name, c] of original.columns) {
    const share = NOISY.find(([n]) => n === name)?.[1] ?? 0;
    if (share === 0) {
      columns.set(name, c);
      continue;
    }
    const codes = sharedInt32(c.length);
    codes.set(c.codes);
    for (let i = 0; i < codes.length; i++) {
      if (random() >= share || c.cardinality < 2) continue;
      const other = Math.floor(random() * (c.cardinality - 1));
      codes[i] = other >= codes[i] ? other + 1 : other;
    }
    columns.set(name, { ...c, codes });
  }
  return { rows: original.rows, columns, dictionaries: original.dictionaries };
}

/** Builds the attack context of the benchmark (once; the pool is filled in per task). */
export async function linkageBenchContext(dataDir = '.bench-data'): Promise<Omit<AttackContext, 'pool'>> {
  const path = join(dataDir, `bench-${ROWS}.csv`);
  if (!existsSync(path)) await writeBenchCsv(path, ROWS);
  const controlPath = join(dataDir, `bench-control-${TARGETS}.csv`);
  if (!existsSync(controlPath)) await writeBenchCsv(controlPath, TARGETS, 4242);
  const table = (await loadTable(path)).table;
  const controlTable = (await loadTable(controlPath)).table;
  const kind = (name: string): ColumnKind => (NUMERIC.has(name) ? 'numeric' : 'categorical');
  const joint = encodeJoint(
    new Map([
      ['release', { table, label: 'release' }],
      ['original', { table, label: 'original' }],
      ['control', { table: controlTable, label: 'control' }],
    ]),
    BENCH_COLUMNS.map(([name]) => ({ name, kind: kind(name) })),
  );
  const original = joint.tables.get('original')!;
  const release = perturb(joint.tables.get('release')!, 7);
  const targetRows = sampleIndices(ROWS, TARGETS, rng(deriveSeed(1, 'targets')));
  const qi: QiSpec[] = BENCH_COLUMNS.map(([name]) => ({ name, kind: kind(name) }));
  return {
    release,
    original,
    control: joint.tables.get('control')!,
    qi,
    sensitive: [],
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    linkage: {
      targetsRole: 'original',
      targets: original,
      targetRows,
      truth: Int32Array.from(targetRows),
      groundTruth: 'aligned',
      knownQi: qi.map((q) => q.name),
      compat: joint.compat,
    },
  };
}

/** n distinct seeded 8-letter words as code points. */
function jwWords(n: number): Int32Array[] {
  const random = rng(3);
  const seen = new Set<string>();
  while (seen.size < n) {
    seen.add(Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
  }
  return [...seen].map((w) => Int32Array.from(w, (c) => c.codePointAt(0)!));
}

/**
 * Adds the linkage tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerLinkageBenchmarks(bench: Bench, pools: Map<number, WorkerPool>): Promise<void> {
  const base = await linkageBenchContext();
  const words = jwWords(2000);
  bench.add('Jaro–Winkler similarity table, 2,000 × 2,000 distinct 8-letter strings (main thread)', () => {
    const jw = new JaroWinkler();
    let close = 0;
    for (const a of words)
      for (const b of words) if (jw.similarity(a, 0, a.length, b, 0, b.length) >= 0.85) close++;
    return close;
  });
  const label = `${TARGETS} targets × ${ROWS} rows × 10 QIs`;
  for (const [w, pool] of pools) {
    // A fresh release identity per iteration: the per-run preparation cache (prepare.ts) is not reused.
    const ctx = (): AttackContext => ({ ...base, release: { ...base.release }, pool });
    const workers = `${w} worker${w > 1 ? 's' : ''}`;
    bench.add(`linkage exact, ${label}, ${workers}`, async () => {
      await exactLinkage(ctx());
    });
    bench.add(`linkage probabilistic (Jaro–Winkler), ${label}, ${workers}`, async () => {
      await probabilisticLinkage(ctx(), { stringComparator: 'jaro-winkler' });
    });
    bench.add(`linkage probabilistic (exact strings), ${label}, ${workers}`, async () => {
      await probabilisticLinkage(ctx(), { stringComparator: 'exact' });
    });
    bench.add(
      `linkage linkability, ${TARGETS} members + ${TARGETS} control × ${ROWS} rows, ${workers}`,
      async () => {
        const c = ctx();
        await linkability(c, linkageSettings(c));
      },
    );
    bench.add(`linkage attack (every method), ${label}, ${workers}`, async () => {
      await linkage.run(ctx());
    });
  }
}
