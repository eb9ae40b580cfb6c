/**
 * Reports leave the organization: no output may contain a raw record value. Every cell of every input
 * carries a unique marker; every attack runs; no output file may contain any marker.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from './helpers.js';

describe('no raw record values in any output', () => {
  it('markers planted in every column of release, original and control never reach the outputs', () => {
    const dir = tmp('reidgate-noleak-');
    const cols = ['zone', 'job', 'band', 'secret'];
    const table = (tag: string, n: number, shift: number) => {
      const rows = Array.from({ length: n }, (_, i) =>
        cols.map((c, j) =>
          j === 2 ? `${(i * 7 + j + shift) % 9}` : `Zq9${tag}${c}${(i + shift) % (j === 3 ? 3 : 40)}`,
        ),
      );
      return `${cols.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
    };
    writeFileSync(join(dir, 'release.csv'), table('R', 200, 0));
    writeFileSync(join(dir, 'original.csv'), table('R', 200, 0));
    writeFileSync(join(dir, 'control.csv'), table('C', 200, 5));
    const out = join(dir, 'out');
    const r = cli([
      'run',
      '--release',
      join(dir, 'release.csv'),
      '--original',
      join(dir, 'original.csv'),
      '--control',
      join(dir, 'control.csv'),
      '--aligned',
      '--qi',
      'zone,job,band:numeric',
      '--sensitive',
      'secret',
      '--sampling-fraction',
      '0.5',
      '--out',
      out,
      '-q',
    ]);
    expect([0, 1, 3]).toContain(r.code);
    const files = readdirSync(out);
    expect(files).toContain('report.json');
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(text.includes('Zq9'), `${f} contains a record value`).toBe(false);
    }
    expect(r.stdout.includes('Zq9') || r.stderr.includes('Zq9')).toBe(false);
    // and every attack that the inputs allow actually ran (none was skipped for lack of input); the
    // person-level attacks need event tables, which this flat trial has not (test/relational/no-leak.test.ts)
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const flat = report.attacks.filter((a: { reason?: string }) => !a.reason?.includes('needs event tables'));
    expect(flat.length).toBeGreaterThanOrEqual(8);
    for (const a of flat) expect(a.status, `${a.id}: ${a.reason}`).not.toBe('skipped');
  });
});
