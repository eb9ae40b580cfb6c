/**
 * @module pool/pool — the Piscina worker pool that runs attack kernels on shared memory.
 *
 * One thin task module (task.ts) looks up a kernel by name and calls it. Kernels receive plain
 * objects whose typed data live on SharedArrayBuffers, so nothing per-row is copied to a worker.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ReidgateError } from '../errors.js';
import type { KernelName, KernelPayload, KernelResult } from './kernel-types.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the task module is: the compiled `task.js` beside this file, or — when reidgate runs from
 * TypeScript sources (tests under vitest) — `task.ts` loaded through tsx.
 */
function taskModule(): { filename: string; execArgv: string[] } {
  const js = join(here, 'task.js');
  if (existsSync(js)) return { filename: js, execArgv: [] };
  return { filename: join(here, 'task.ts'), execArgv: ['--import', 'tsx'] };
}

/** A pool of `workers` threads running attack kernels. */
export class WorkerPool {
  private readonly piscina: Piscina;
  /**
   * @param workers - number of threads (≥ 1)
   * @throws ReidgateError('USAGE') when workers is not a positive integer
   */
  constructor(readonly workers: number) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new ReidgateError('USAGE', `--workers ${workers}: must be a whole number of at least 1`);
    }
    const { filename, execArgv } = taskModule();
    this.piscina = new Piscina({
      filename,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      execArgv,
      // Workers get a modest heap: data lives on shared buffers, outside the V8 heap.
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
    });
  }

  /**
   * Runs one kernel in a worker.
   * @param name - the kernel's registered name
   * @param payload - its input (shared buffers are shared, not copied)
   * @returns the kernel's result
   */
  run<K extends KernelName>(name: K, payload: KernelPayload<K>): Promise<KernelResult<K>> {
    return this.piscina.run({ name, payload }) as Promise<KernelResult<K>>;
  }

  /**
   * A view of this pool, sharing its threads, that reports each kernel task of one caller (an attack) when it is
   * submitted and when it finishes. Cheap: two counters and a callback per task, nothing per row.
   * @param listener - called with (tasks finished, tasks submitted so far)
   * @returns the view (closing it closes the shared pool: only the owner should)
   */
  tracked(listener: (done: number, submitted: number) => void): WorkerPool {
    const view = Object.create(this) as WorkerPool;
    let submitted = 0;
    let done = 0;
    const run = <K extends KernelName>(name: K, payload: KernelPayload<K>): Promise<KernelResult<K>> => {
      listener(done, ++submitted);
      return this.run(name, payload).finally(() => listener(++done, submitted));
    };
    Object.defineProperty(view, 'run', { value: run });
    return view;
  }

  /** Runs the same kernel over several payloads (shards) in parallel, results in shard order. */
  map<K extends KernelName>(name: K, payloads: readonly KernelPayload<K>[]): Promise<KernelResult<K>[]> {
    return Promise.all(payloads.map((p) => this.run(name, p)));
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

/**
 * Splits [0, n) into `parts` contiguous ranges of near-equal size (empty ranges dropped).
 * Sharding never changes results: kernels are written so that merging shards is exact.
 */
export function ranges(n: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const p = Math.max(1, Math.min(parts, n));
  for (let i = 0; i < p; i++) {
    const a = Math.floor((n * i) / p);
    const b = Math.floor((n * (i + 1)) / p);
    if (b > a) out.push([a, b]);
  }
  return out;
}
