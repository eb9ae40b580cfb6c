/**
 * Progress at the terminal: quiet line-oriented output when stderr is not a TTY, nothing with --quiet, a live
 * block with task counts and time estimates on a TTY, and the per-attack task counts the pool reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueness } from '../../attacks/uniqueness/index.js';
import { progressPrinter, renderBlock } from '../../src/cli/progress.js';
import { WorkerPool } from '../../src/pool/pool.js';
import type { Progress } from '../../src/run/run-trial.js';
import { encodeStrings, qis } from '../helpers/tables.js';
import { cli, ROOT, tmp } from './helpers.js';

function fake(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, columns: 120, write: (s: string) => chunks.push(s) }, chunks };
}

const EVENTS: Parameters<Progress>[0][] = [
  { stage: 'load', detail: 'release data.csv' },
  { stage: 'skip', attack: 'population', detail: 'needs --population' },
  { stage: 'attack', attack: 'uniqueness' },
  { stage: 'task', attack: 'uniqueness', done: 0, total: 2 },
  { stage: 'task', attack: 'uniqueness', done: 1, total: 2 },
  { stage: 'task', attack: 'uniqueness', done: 2, total: 2 },
  { stage: 'done', attack: 'uniqueness', seconds: 1.234 },
  { stage: 'attack', attack: 'linkage' },
  { stage: 'error', attack: 'linkage', detail: 'out of memory' },
  { stage: 'write', detail: '/tmp/out' },
];

describe('progress printer', () => {
  it('not a TTY: one line per attack when it finishes, is skipped or errors; nothing while loading', () => {
    const { stream, chunks } = fake(false);
    const p = progressPrinter(false, stream);
    for (const e of EVENTS) p.progress(e);
    p.stop();
    expect(chunks.join('')).toBe(
      'reidgate: population skipped: needs --population\n' +
        'reidgate: uniqueness done in 1.23 s\n' +
        'reidgate: linkage error: out of memory\n',
    );
  });

  it('--quiet: nothing at all, TTY or not', () => {
    for (const tty of [true, false]) {
      const { stream, chunks } = fake(tty);
      const p = progressPrinter(true, stream);
      for (const e of EVENTS) p.progress(e);
      p.stop();
      expect(chunks).toEqual([]);
    }
  });

  it('a TTY: a block redrawn in place whose last frame lists every attack', () => {
    const { stream, chunks } = fake(true);
    const p = progressPrinter(false, stream);
    for (const e of EVENTS) p.progress(e);
    p.stop();
    const ESC = String.fromCharCode(27);
    const all = chunks.join('');
    expect(all.includes(`${ESC}[`)).toBe(true);
    // the last frame: move the cursor up over the previous frame, then redraw each line (\r, clear line)
    const last = chunks.at(-1)!;
    expect(last.startsWith(`${ESC}[4A`)).toBe(true);
    const frame = last
      .slice(`${ESC}[4A`.length)
      .split('\n')
      .map((l) => l.split(`\r${ESC}[2K`).join(''));
    expect(frame[0]).toMatch(/^reidgate \d+\.\d s · finished$/);
    expect(frame[1]).toMatch(/^ {2}population +skipped: needs --population$/);
    expect(frame[2]).toMatch(/^ {2}uniqueness +done in 1\.2 s \(2 tasks\)$/);
    expect(frame[3]).toMatch(/^ {2}linkage +error: out of memory$/);
  });

  it('renderBlock estimates time left from tasks done so far', () => {
    const now = 10_000;
    const lines = renderBlock(
      [{ id: 'suda', status: 'running', start: now - 4000, done: 2, total: 6 }],
      '',
      4,
      now,
    );
    // 4 s for 2 tasks → 8 s for the 4 left
    expect(lines[0]).toBe('reidgate 4.0 s · ~8.0 s left');
    expect(lines[1]).toMatch(/suda +█{5}░{11} 2\/6 tasks {2}4\.0 s · ~8\.0 s left$/);
  });
});

describe('pool task counts', () => {
  const pool = new WorkerPool(2);
  afterAll(() => pool.close());
  it('a tracked view counts each kernel task submitted and finished, and gives the same results', async () => {
    const seen: Array<[number, number]> = [];
    const release = encodeStrings({ sex: ['F', 'F', 'M', 'M', 'M'], age: ['1', '1', '2', '2', '3'] });
    const ctx = {
      release,
      qi: qis('sex', 'age'),
      sensitive: [],
      seed: 1,
      recordThreshold: 0.2,
      wildcard: false,
    };
    const plain = await uniqueness.run({ ...ctx, pool });
    const tracked = await uniqueness.run({ ...ctx, pool: pool.tracked((d, s) => seen.push([d, s])) });
    expect(tracked.metrics).toEqual(plain.metrics);
    expect(seen.length).toBeGreaterThan(0);
    const [done, submitted] = seen.at(-1)!;
    expect(done).toBe(submitted); // every task finished
    expect(seen.filter(([d]) => d === 0).length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
  });
});

describe('reidgate run at the terminal (child process: stderr is a pipe)', () => {
  it('prints one stderr line per attack and one summary line on stdout; --quiet silences stderr', () => {
    const out = tmp();
    const args = ['run', `${ROOT}/datasets/trials/adult-k5.yaml`, '--out', out, '--workers', '2'];
    const r = cli(args);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(lines.length).toBe(report.attacks.length); // one per planned attack
    for (const l of lines) expect(l).toMatch(/^reidgate: [a-z-]+ (done in \d+\.\d\d s|skipped: .+)$/);
    expect(r.stdout).toMatch(/^PASS: .+ · report: \S+report\.html\n$/);
    const q = cli([...args, '--quiet']);
    expect(q.stderr).toBe('');
    expect(q.stdout).toBe(r.stdout);
  });
});
