/**
 * @module bench/sparse-linkage — tinybench tasks for sparse linkage (issue 6 part 3): the
 * Narayanan–Shmatikov scoreboard for 10,000 targets against a release of BENCH_SPARSE_PATIENTS
 * patients (default 1,000,000) with about 20 events each.
 *
 * Data (seeded, built straight into the person view, no files): per patient 4–12 distinct diagnosis
 * codes out of 10,000 with a skewed prevalence (code index ⌊10,000·u^2.5⌋: the commonest code is held
 * by about 18% of patients, most codes by a few dozen), each on 1–4 days in 2020–2023 (about 20 events
 * per patient). The release is the original with 10% of events dropped (seeded), dates to the day.
 * Targets: 10,000 seeded original patients, truth by position. The attacker knows 4 codes (1 of them
 * wrong) or 4 dated events, no demographics.
 */
import type { Bench } from 'tinybench';
import { sparseLinkage } from '../attacks/linkage/sparse.js';
import type { AttackContext } from '../attacks/types.js';
import { sharedInt32 } from '../src/encode/encode.js';
import type { EncodedTable } from '../src/encode/types.js';
import type { WorkerPool } from '../src/pool/pool.js';
import { buildPersonSide, type PersonView } from '../src/relational/person-view.js';
import { deriveSeed, rng, sampleIndices } from '../src/stats/random.js';

const CODES = 10_000;
const TARGETS = 10_000;

/** Builds the person view of the benchmark cohort. */
export function sparseBenchView(patients: number, seed = 3): PersonView {
  const random = rng(seed);
  const keep = rng(deriveSeed(seed, 'release'));
  const cap = patients * 48; // at most 12 codes × 4 visits each
  const all = { person: new Int32Array(cap), code: new Int32Array(cap), lo: new Int32Array(cap) };
  const rel = { person: new Int32Array(cap), code: new Int32Array(cap), lo: new Int32Array(cap) };
  let n = 0;
  let m = 0;
  const mine = new Int32Array(12);
  for (let p = 0; p < patients; p++) {
    const k = 4 + Math.floor(random() * 9);
    let held = 0;
    while (held < k) {
      const c = Math.floor(CODES * random() ** 2.5);
      if (!mine.subarray(0, held).includes(c)) mine[held++] = c;
    }
    for (let j = 0; j < k; j++) {
      const visits = 1 + Math.floor(random() * 4);
      for (let v = 0; v < visits; v++) {
        const d = 18262 + Math.floor(random() * 1461);
        all.person[n] = p;
        all.code[n] = mine[j];
        all.lo[n++] = d;
        if (keep() < 0.1) continue;
        rel.person[m] = p;
        rel.code[m] = mine[j];
        rel.lo[m++] = d;
      }
    }
  }
  const cut = (e: typeof all, len: number) => ({
    person: e.person.subarray(0, len),
    code: e.code.subarray(0, len),
    lo: e.lo.subarray(0, len),
  });
  const truth = sharedInt32(patients);
  for (let i = 0; i < patients; i++) truth[i] = i;
  return {
    tables: [
      {
        name: 'diagnoses',
        base: 0,
        codes: CODES,
        suppressed: CODES,
        dated: true,
        precision: 'day',
        shiftDays: 0,
      },
    ],
    codes: CODES + 1,
    original: buildPersonSide(patients, [cut(all, n)]),
    release: buildPersonSide(patients, [cut(rel, m)]),
    truth,
    values: [],
    codeLabels: [],
  };
}

/** The attack context of the benchmark (pool and options filled in per task). */
export function sparseBenchContext(patients: number): Omit<AttackContext, 'pool'> {
  const persons = sparseBenchView(patients);
  const targetRows = sampleIndices(patients, TARGETS, rng(deriveSeed(1, 'targets')));
  const release: EncodedTable = {
    rows: patients,
    columns: new Map(),
    dictionaries: new Map(),
  } as EncodedTable;
  return {
    release,
    qi: [],
    sensitive: [],
    seed: 1,
    recordThreshold: 0.2,
    wildcard: false,
    persons,
    linkage: {
      targetsRole: 'original',
      targets: release,
      targetRows,
      truth: Int32Array.from(targetRows),
      groundTruth: 'id',
      knownQi: [],
      compat: new Map(),
    },
  };
}

/** Registers the sparse linkage tasks. */
export async function registerSparseLinkageBenchmarks(
  bench: Bench,
  pools: ReadonlyMap<number, WorkerPool>,
): Promise<void> {
  const patients = Number(process.env.BENCH_SPARSE_PATIENTS ?? 1_000_000);
  const t0 = performance.now();
  const base = sparseBenchContext(patients);
  const events = base.persons!.original!.seqCodes.length;
  const built = ((performance.now() - t0) / 1000).toFixed(1);
  const label = `${TARGETS / 1000}k targets vs ${patients / 1000}k patients (${(events / patients).toFixed(1)} events each; view built in ${built} s)`;
  for (const [w, pool] of pools) {
    bench.add(`sparse linkage, 4 codes (1 wrong), ${label}, ${w} worker${w > 1 ? 's' : ''}`, async () => {
      await sparseLinkage({ ...base, pool, options: { linkage: { sparseItems: 4, sparseWrong: 0.25 } } });
    });
  }
  const pool2 = pools.get(2)!;
  bench.add(`sparse linkage, 4 dated events, ${label}, 2 workers`, async () => {
    await sparseLinkage({
      ...base,
      pool: pool2,
      options: { linkage: { sparseItems: 4, sparseDates: true } },
    });
  });
}
