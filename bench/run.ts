/**
 * @module bench/run — `npm run bench`: tinybench benchmarks of the release gate's hot path.
 *
 * For generated tables of 100k and 1M rows × 10 QIs: CSV load (streamed parse + dictionary coding),
 * encode onto shared memory, and the uniqueness attack with 1 and 2 workers. Prints a table of mean
 * times and the peak RSS seen; BENCHMARKS.md records the figures with the machine.
 *
 * Suites (BENCH_SUITES, comma-separated; default all): gate (load + encode + uniqueness), suda,
 * population, diversity, singling-out, linkage, inference, cohort (synthetic medical cohort: generation and
 * strong release; BENCH_COHORT=100000,1000000 patients), engines (local vs DuckDB, bench/engines.ts),
 * report (writing report.html of a 1M-row trial), membership (10k targets × 100k-row release,
 * 12 mixed columns; not in the default set, ~1 min per iteration on 2 cores), code-sets (person view and
 * code-sets attack, BENCH_PATIENTS=1000000), sparse-linkage (BENCH_SPARSE_PATIENTS=1000000),
 * engines-suda (suda on local vs DuckDB / ClickHouse, bench/engines-suda.ts; not in the default set),
 * engines-candidates (membership and linkage's other methods on local vs DuckDB, rows fetched from the
 * engine: bench/engines-candidates.ts; not in the default set).
 * scale (claims-scale trials, 10^6–10^8 event rows, local vs DuckDB under a memory limit: bench/scale.ts;
 * not in the default set), relational-scale (code-sets and trajectory of a relational claims trial, local vs DuckDB vs ClickHouse:
 * bench/relational-scale.ts; not in the default set).
 * Options: BENCH_ROWS=100000,1000000 (gate sizes), BENCH_ITER=5 (iterations per task), BENCH_WARMUP=0 (no
 * warm-up iteration: for the 10^8-row tasks).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { uniqueness } from '../attacks/uniqueness/index.js';
import { encodeTable } from '../src/encode/encode.js';
import { loadTable } from '../src/io/index.js';
import { WorkerPool } from '../src/pool/pool.js';
import { registerCodeSetsBenchmarks } from './code-sets.js';
import { registerCohortBenchmarks } from './cohort.js';
import { registerDiversityBenchmarks } from './diversity.js';
import { registerEngineBenchmarks } from './engines.js';
import { registerEngineCandidateBenchmarks } from './engines-candidates.js';
import { registerSudaEngineBenchmarks } from './engines-suda.js';
import { BENCH_COLUMNS, writeBenchCsv } from './generate.js';
import { registerInferenceBenchmarks } from './inference.js';
import { registerLinkageBenchmarks } from './linkage.js';
import { registerLikelihoodBenchmarks, registerMembershipBenchmarks } from './membership.js';
import { registerPopulationBenchmarks } from './population.js';
import { registerRelationalScaleBenchmarks } from './relational-scale.js';
import { registerReportBenchmarks } from './report.js';
import { registerScaleBenchmarks } from './scale.js';
import { registerSinglingOutBenchmarks } from './singling-out.js';
import { registerSparseLinkageBenchmarks } from './sparse-linkage.js';
import { registerSudaBenchmarks } from './suda.js';

const suites = new Set(
  (process.env.BENCH_SUITES ?? 'gate,suda,population,diversity,singling-out').split(','),
);

const sizes = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map(Number);
const iterations = Number(process.env.BENCH_ITER ?? 5);
const dataDir = '.bench-data';
mkdirSync(dataDir, { recursive: true });

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);

const qi = BENCH_COLUMNS.map(([name]) => ({ name, kind: 'categorical' as const }));
const bench = new Bench({
  iterations,
  warmup: process.env.BENCH_WARMUP !== '0',
  warmupIterations: 1,
  time: 0,
  warmupTime: 0,
});
const pools = new Map<number, WorkerPool>([
  [1, new WorkerPool(1)],
  [2, new WorkerPool(2)],
]);

for (const rows of suites.has('gate') ? sizes : []) {
  const path = join(dataDir, `bench-${rows}.csv`);
  if (!existsSync(path)) await writeBenchCsv(path, rows);
  const mb = (statSync(path).size / 2 ** 20).toFixed(0);
  const loaded = await loadTable(path);
  const encoded = encodeTable(loaded.table, qi, path);
  bench.add(`load CSV ${rows} rows × 10 (${mb} MB)`, async () => {
    await loadTable(path);
  });
  bench.add(`encode ${rows} rows × 10`, () => {
    encodeTable(loaded.table, qi, path);
  });
  for (const [w, pool] of pools) {
    bench.add(`uniqueness ${rows} rows × 10 QIs, ${w} worker${w > 1 ? 's' : ''}`, async () => {
      await uniqueness.run({
        release: encoded,
        qi,
        sensitive: [],
        pool,
        seed: 1,
        recordThreshold: 0.2,
        wildcard: false,
      });
    });
  }
}

if (suites.has('suda')) await registerSudaBenchmarks(bench, pools);
if (suites.has('population')) await registerPopulationBenchmarks(bench, pools);
if (suites.has('diversity')) await registerDiversityBenchmarks(bench, pools);
if (suites.has('singling-out')) await registerSinglingOutBenchmarks(bench, pools);
if (suites.has('linkage')) await registerLinkageBenchmarks(bench, pools);
if (suites.has('inference')) await registerInferenceBenchmarks(bench, pools);
if (suites.has('cohort')) await registerCohortBenchmarks(bench, dataDir);
if (suites.has('engines')) await registerEngineBenchmarks(bench, pools, dataDir);
if (suites.has('engines-candidates')) await registerEngineCandidateBenchmarks(bench, dataDir);
if (suites.has('engines-suda')) await registerSudaEngineBenchmarks(bench, pools, dataDir);
if (suites.has('scale')) await registerScaleBenchmarks(bench, dataDir);
if (suites.has('relational-scale')) await registerRelationalScaleBenchmarks(bench, dataDir);
if (suites.has('report')) await registerReportBenchmarks(bench, dataDir);
if (suites.has('membership')) {
  await registerMembershipBenchmarks(bench, pools);
  registerLikelihoodBenchmarks(bench, pools);
}
if (suites.has('code-sets')) registerCodeSetsBenchmarks(bench, pools);
if (suites.has('sparse-linkage')) await registerSparseLinkageBenchmarks(bench, pools);

await bench.run();
clearInterval(timer);
sample();
for (const p of pools.values()) await p.close();

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log('| task | mean (ms) | min (ms) | max (ms) | samples |');
console.log('|---|---:|---:|---:|---:|');
for (const t of bench.tasks) {
  const r = t.result;
  if (r?.state !== 'completed') {
    // Why, in one line (a benchmark that fails says so, with the engine's message).
    const why =
      r && 'error' in r && r.error instanceof Error ? r.error.message.split('\n')[0] : String(r?.state);
    console.log(`| ${t.name} | failed: ${why.replace(/\|/g, '/')} | | | |`);
    continue;
  }
  const l = r.latency;
  console.log(
    `| ${t.name} | ${l.mean.toFixed(0)} | ${l.min.toFixed(0)} | ${l.max.toFixed(0)} | ${l.samplesCount} |`,
  );
}
console.log(`peak RSS over the whole run: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
