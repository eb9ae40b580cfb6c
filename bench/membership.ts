/**
 * @module bench/membership — tinybench tasks for the membership attack (issue 5, part 1).
 *
 * Generated data, 12 mixed columns (6 numeric: age, income with a lognormal spread, bmi to one
 * decimal, hours, children, visits; 6 categorical of 2–47 values), drawn from 8 latent groups so that
 * columns correlate: 100,000 members, 20,000 control records (non-members; half of them become the
 * reference sample) and a 100,000-row synthetic-like release made from the members (each value
 * replaced with probability 0.3 by another member's). Tasks: the whole attack — all five scores (four
 * exact nearest-neighbour searches) and 500 bootstrap resamples — for 10,000 targets (5,000 members +
 * 5,000 non-members), with 1 and 2 workers. BENCH_MEMBERSHIP_TARGETS sets the targets per class.
 *
 * Standalone: `node dist/bench/membership.js` runs the tasks alone and prints their times and the
 * process CPU (workers are threads of the process); BENCH_LIKELIHOOD=1 adds the likelihood-score task
 * (declared randomization), BENCH_LIKELIHOOD=only runs it alone.
 */
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { membership } from '../attacks/membership/index.js';
import { likelihoodScores } from '../attacks/membership/likelihood.js';
import { sampleTargets } from '../attacks/membership/targets.js';
import type { AttackContext, Channel, QiSpec } from '../attacks/types.js';
import { sharedFloat64, sharedInt32 } from '../src/encode/encode.js';
import type { Column, ColumnKind, EncodedTable } from '../src/encode/types.js';
import { WorkerPool } from '../src/pool/pool.js';
import { xorshift } from './generate.js';

/** The 12 generated columns: name, kind, and for categorical columns the number of values. */
export const MEMBERSHIP_COLUMNS: ReadonlyArray<[string, ColumnKind, number]> = [
  ['age', 'numeric', 0],
  ['income', 'numeric', 0],
  ['bmi', 'numeric', 0],
  ['hours', 'numeric', 0],
  ['children', 'numeric', 0],
  ['visits', 'numeric', 0],
  ['sex', 'categorical', 2],
  ['region', 'categorical', 47],
  ['education', 'categorical', 16],
  ['marital', 'categorical', 7],
  ['occupation', 'categorical', 14],
  ['race', 'categorical', 6],
];

type Row = number[];

function person(rnd: () => number): Row {
  const g = Math.floor(rnd() * 8);
  const age = 18 + Math.floor(rnd() * 40 + g * 4 + rnd() * 10);
  const income = Math.round(Math.exp(9.5 + g * 0.15 + rnd() * 1.2) / 10) * 10;
  const bmi = Math.round((18 + rnd() * 12 + g * 0.6) * 10) / 10;
  const hours = Math.floor(rnd() * rnd() * 60) + (g > 3 ? 10 : 0);
  const children = Math.floor(rnd() * rnd() * 6);
  const visits = Math.floor(rnd() * rnd() * 30);
  const cat = MEMBERSHIP_COLUMNS.slice(6).map(([, , k], j) =>
    Math.min(k - 1, Math.floor(rnd() * rnd() * k + (j === 2 ? g : 0))),
  );
  return [age, income, bmi, hours, children, visits, ...cat];
}

/**
 * Members, non-members (control) and a synthetic-like release drawn from the members: each release
 * row copies a random member and replaces each value, with probability `mix`, by the value of
 * another random member (income jittered by ±10%), so some members have near copies in the release.
 * With `fresh`, the release is drawn from new people instead (no leak).
 */
export function membershipTables(
  nMembers: number,
  nControl: number,
  nRelease: number,
  seed = 7,
  mix = 0.3,
  fresh = false,
): { release: EncodedTable; original: EncodedTable; control: EncodedTable; qi: QiSpec[] } {
  const rnd = xorshift(seed);
  const members = Array.from({ length: nMembers }, () => person(rnd));
  const control = Array.from({ length: nControl }, () => person(rnd));
  const release = Array.from({ length: nRelease }, () => {
    if (fresh) return person(rnd);
    const src = members[Math.floor(rnd() * nMembers)];
    return src.map((v, j) => {
      if (rnd() >= mix) return v;
      const w = members[Math.floor(rnd() * nMembers)][j];
      return j === 1 ? Math.round((w * (0.9 + rnd() * 0.2)) / 10) * 10 : w;
    });
  });
  const dicts = MEMBERSHIP_COLUMNS.map(() => new Map<number, number>());
  const table = (rows: Row[]): EncodedTable => {
    const columns = new Map<string, Column>();
    MEMBERSHIP_COLUMNS.forEach(([name, kind], j) => {
      const codes = sharedInt32(rows.length);
      const numbers = kind === 'numeric' ? sharedFloat64(rows.length) : undefined;
      const d = dicts[j];
      rows.forEach((r, i) => {
        let c = d.get(r[j]);
        if (c === undefined) {
          c = d.size;
          d.set(r[j], c);
        }
        codes[i] = c;
        if (numbers) numbers[i] = r[j];
      });
      columns.set(name, { name, kind, length: rows.length, cardinality: 0, codes, numbers });
    });
    return { rows: rows.length, columns, dictionaries: new Map() };
  };
  const out = { release: table(release), original: table(members), control: table(control) };
  for (const t of Object.values(out)) {
    MEMBERSHIP_COLUMNS.forEach(([name], j) => {
      (t.columns.get(name) as { cardinality: number }).cardinality = dicts[j].size;
    });
  }
  return { ...out, qi: MEMBERSHIP_COLUMNS.map(([name, kind]) => ({ name, kind })) };
}

/**
 * Adds the membership tasks to `bench`.
 * @param bench - the tinybench instance
 * @param pools - worker pools by worker count (the tasks run on each)
 */
export async function registerMembershipBenchmarks(
  bench: Bench,
  pools: Map<number, WorkerPool>,
): Promise<void> {
  const perClass = Number(process.env.BENCH_MEMBERSHIP_TARGETS ?? 5000);
  const t = membershipTables(100_000, Math.max(20_000, 4 * perClass), 100_000);
  for (const [w, pool] of pools) {
    bench.add(
      `membership ${2 * perClass} targets × 100k-row release, 12 columns, 5 scores, ${w} worker${w > 1 ? 's' : ''}`,
      async () => {
        await membership.run({
          ...t,
          sensitive: [],
          pool,
          seed: 1,
          recordThreshold: 0.2,
          wildcard: false,
          membership: { targets: perClass },
        } as AttackContext);
      },
    );
  }
}

/**
 * Channels for the likelihood task: uniform PRAM keeping 0.8 on the categorical columns, Laplace
 * noise of a tenth of the column's range on the numeric ones (every column randomized: the worst case,
 * no grouping by undeclared columns).
 */
function benchChannels(t: ReturnType<typeof membershipTables>): Map<string, Channel> {
  const out = new Map<string, Channel>();
  for (const [name, kind] of MEMBERSHIP_COLUMNS) {
    const c = t.release.columns.get(name)!;
    if (kind === 'numeric') {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const v of c.numbers!) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      out.set(name, { kind: 'noise', method: 'laplace', scale: (hi - lo) / 10 || 1 });
    } else {
      const K = c.cardinality;
      const matrix = new Float64Array(K * K);
      for (let a = 0; a < K; a++)
        for (let b = 0; b < K; b++) matrix[a * K + b] = a === b ? 0.8 : 0.2 / (K - 1);
      out.set(name, { kind: 'categorical', method: 'pram', size: K, matrix });
    }
  }
  return out;
}

/**
 * Adds the likelihood-score task (declared randomization): the exact sums cost O((targets + release)
 * × distinct rows) per column, so it runs at a smaller size than the whole attack:
 * BENCH_LIKELIHOOD_TARGETS per class (default 1000) against a BENCH_LIKELIHOOD_RELEASE-row release
 * (default 20,000) and a 5,000-record reference.
 */
export function registerLikelihoodBenchmarks(bench: Bench, pools: Map<number, WorkerPool>): void {
  const perClass = Number(process.env.BENCH_LIKELIHOOD_TARGETS ?? 1000);
  const nRelease = Number(process.env.BENCH_LIKELIHOOD_RELEASE ?? 20_000);
  const t = membershipTables(nRelease, 10_000, nRelease, 9);
  const channels = benchChannels(t);
  const tg = sampleTargets(t.original.rows, t.control.rows, perClass, 'option', 1);
  for (const [w, pool] of pools) {
    bench.add(
      `membership likelihood score alone, ${2 * perClass} targets × ${nRelease / 1000}k-row release, 12 randomized columns, ${w} worker${w > 1 ? 's' : ''}`,
      async () => {
        await likelihoodScores(pool, {
          release: t.release,
          columns: t.qi,
          channels,
          targets: [
            { table: t.original, rows: tg.members },
            { table: t.control, rows: tg.nonMembers },
          ],
          reference: { table: t.control, rows: tg.reference },
        });
      },
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bench = new Bench({
    iterations: Number(process.env.BENCH_ITER ?? 3),
    warmupIterations: 0,
    time: 0,
    warmupTime: 0,
  });
  const workers = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
  const pools = new Map(workers.map((w) => [w, new WorkerPool(w)]));
  if (process.env.BENCH_LIKELIHOOD !== 'only') await registerMembershipBenchmarks(bench, pools);
  if (process.env.BENCH_LIKELIHOOD) registerLikelihoodBenchmarks(bench, pools);
  const cpu = process.cpuUsage();
  await bench.run();
  const used = process.cpuUsage(cpu);
  for (const task of bench.tasks) {
    const r = task.result;
    if (r?.state !== 'completed') console.log(`${task.name}: ${r?.state}`);
    else
      console.log(
        `${task.name}: mean ${r.latency.mean.toFixed(0)} ms, min ${r.latency.min.toFixed(0)}, max ${r.latency.max.toFixed(0)}`,
      );
  }
  console.log(`process CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`);
  for (const p of pools.values()) await p.close();
}
