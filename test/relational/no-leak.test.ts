/**
 * Relational trials leave the organization too: markers planted in the person key, the demographics and
 * every event code never reach any output, with every person-level attack running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { eventsOf, miniCopy } from './helpers.js';

describe('no raw record values in the outputs of a relational trial', () => {
  it('markers in pid, muni and the drug codes never reach report, tables or per-target files', () => {
    const pids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const mark = (text: string) =>
      pids.reduce((t, p) => t.replaceAll(new RegExp(`^${p},`, 'gm'), `Zq9pid${p},`), text);
    const read = (f: string) => readFileSync(join(import.meta.dirname, '../fixtures/cohort-mini', f), 'utf8');
    const files: Record<string, string> = {};
    for (const side of ['release', 'original']) {
      for (const t of ['patients', 'diagnoses', 'prescriptions', 'checkups']) {
        let text = mark(read(`${side}/${t}.csv`));
        if (t === 'prescriptions')
          text = text.replace(/A10BA02/g, 'Zq9drugA').replace(/L01XE03/g, 'Zq9drugB');
        if (t === 'patients') text = text.replace(/,(\d{5}|\*)$/gm, ',Zq9muni$1');
        files[`${side}/${t}.csv`] = text;
      }
    }
    const { dir, path } = miniCopy(files, (t) => {
      t.qi = ['sex', { name: 'birth_ym', kind: 'date' }, 'pref', 'muni'];
      eventsOf(t)[1].codeSystem = 'any';
    });
    const out = join(dir, 'out');
    const r = cli(['run', path, '--out', out, '--workers', '2', '--option', 'rare-values.n=2']);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stdout + r.stderr).not.toContain('Zq9');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    for (const id of ['code-sets', 'trajectory', 'rare-values']) {
      expect(report.attacks.find((a: { id: string }) => a.id === id).status).toBe('ok');
    }
    const written = readdirSync(out);
    expect(written.length).toBeGreaterThan(3);
    expect(written).toContain('manifest.json');
    for (const f of written) expect(readFileSync(join(out, f), 'utf8'), f).not.toContain('Zq9');
  });
});
