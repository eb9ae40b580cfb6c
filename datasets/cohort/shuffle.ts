/**
 * @module datasets/cohort/shuffle — a seeded uniform shuffle of text lines in bounded memory.
 *
 * Lines are scattered into B bucket files by a seeded uniform draw, then each bucket is shuffled in memory
 * (Fisher–Yates) and the buckets are concatenated: every permutation remains possible and, given the bucket
 * sizes, equally likely, which is what "row order reveals nothing" needs. B = 1 (everything in memory) for
 * inputs under `bucketBytes`; the result depends only on the lines, the seed and B.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Collects lines and writes them shuffled after a header. */
export class LineShuffler {
  private readonly buckets: string[][];
  private readonly files: WriteStream[] = [];
  private readonly sizes: number[];
  private dir: string | null = null;

  /**
   * @param nBuckets - number of buckets (1 = in memory; choose about input bytes / 128 MiB)
   * @param random - the seeded uniform stream deciding buckets and permutations
   */
  constructor(
    private readonly nBuckets: number,
    private readonly random: () => number,
  ) {
    this.buckets = Array.from({ length: nBuckets }, () => []);
    this.sizes = new Array(nBuckets).fill(0);
    if (nBuckets > 1) {
      this.dir = mkdtempSync(join(tmpdir(), 'cohort-shuffle-'));
      for (let b = 0; b < nBuckets; b++) this.files.push(createWriteStream(join(this.dir, `${b}.txt`)));
    }
  }

  /** Adds one line (without its newline). */
  async add(line: string): Promise<void> {
    const b = this.nBuckets === 1 ? 0 : Math.floor(this.random() * this.nBuckets);
    const bucket = this.buckets[b];
    bucket.push(line);
    if (this.nBuckets > 1) {
      this.sizes[b] += line.length;
      if (this.sizes[b] > 1 << 20) {
        const ok = this.files[b].write(`${bucket.join('\n')}\n`);
        bucket.length = 0;
        this.sizes[b] = 0;
        if (!ok) await once(this.files[b], 'drain');
      }
    }
  }

  /** Writes `header` then every line in shuffled order to `path`; removes the bucket files. */
  async write(path: string, header: string): Promise<number> {
    const out = createWriteStream(path);
    out.write(`${header}\n`);
    let n = 0;
    for (let b = 0; b < this.nBuckets; b++) {
      let lines = this.buckets[b];
      if (this.nBuckets > 1) {
        const f = this.files[b];
        f.end(lines.length > 0 ? `${lines.join('\n')}\n` : '');
        await once(f, 'finish');
        lines = readFileSync(join(this.dir!, `${b}.txt`), 'utf8').split('\n');
        lines.pop();
      }
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        const t = lines[i];
        lines[i] = lines[j];
        lines[j] = t;
      }
      n += lines.length;
      for (let i = 0; i < lines.length; i += 50_000) {
        if (!out.write(`${lines.slice(i, i + 50_000).join('\n')}\n`)) await once(out, 'drain');
      }
      this.buckets[b] = [];
    }
    out.end();
    await once(out, 'finish');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    return n;
  }
}
