import { describe, expect, it } from 'vitest';
import { toMarkdown } from '../../reports/markdown.js';
import { validateReport } from '../../src/report/model.js';
import { makeReport } from './fixture.js';

describe('toMarkdown', () => {
  const report = makeReport();
  const md = toMarkdown(report);

  it('starts with the verdict and the summary', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## reidgate cohort-2025: **FAIL**');
    expect(md).toContain(report.summary);
  });

  it('lists every check in the checks table with its result', () => {
    for (const c of report.checks) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${c.id}\` |`));
      expect(row, c.id).toBeDefined();
      expect(row).toContain(c.passed ? '**PASS**' : '**FAIL**');
    }
    expect(md).toContain(
      '| `linkage.reidentificationRate` | 0.01235 | [0.009123, 0.01654] | ≤ 0.09 | **PASS** |',
    );
    expect(md).toContain('| `uniqueness.minClassSize` | 1 | — | ≥ 5 | **FAIL** |');
  });

  it('has a section per attack with metrics, explanations, warnings, method and references', () => {
    expect(md).toContain('### `uniqueness` Sample uniqueness: **FAIL**');
    expect(md).toContain('### `membership` Membership inference: **SKIPPED**');
    expect(md).toContain('Reason: needs --control');
    expect(md).toContain('### `inference` Attribute inference: **ERROR**');
    expect(md).toContain('| `records` | 12,345 | — | records in the release |');
    expect(md).toContain('**Warning:** Column `zip3` has 3 suppressed values.');
    expect(md).toContain('*Method:* Classes are records');
    expect(md).toContain('*References:* El Emam &amp; Dankar');
  });

  it('prints attack tables (e.g. risk by QI combination) with numbers right-aligned', () => {
    expect(md).toContain('*Sample uniques with one QI left out:*');
    expect(md).toContain('| QI left out | sampleUniques |');
    expect(md).toContain('| age | 120 |');
  });

  it('prints the class-size histogram as a compact table and inputs with short sha256', () => {
    expect(md).toContain('| class size | 1 | 2 | 3 | 4 | 5-9 | 10+ |');
    expect(md).toContain('| records | 150 | 160 | 120 | 80 | 200 | 11,635 |');
    expect(md).toContain('| release | `data/release.csv` | 12,345 | 4 | `a3f1c9e2b7d4` |');
  });

  it('stays short for one attack', () => {
    const one = makeReport();
    one.attacks = one.attacks.slice(0, 1);
    one.checks = one.checks.slice(0, 2);
    expect(toMarkdown(validateReport(one)).split('\n').length).toBeLessThanOrEqual(60);
  });

  it('escapes HTML and table pipes in report strings', () => {
    const r = makeReport();
    r.checks[0].message = '<script>alert(1)</script> a|b';
    r.summary = 'x <img src=y> z';
    r.attacks[0].metrics.records.explain = 'rows | records';
    const out = toMarkdown(r);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; a|b');
    expect(out).toContain('| rows \\| records |');
  });

  it('flags a report that contains record values', () => {
    const r = makeReport();
    r.containsRecordValues = true;
    expect(toMarkdown(r)).toContain('**Contains record values.**');
    expect(md).not.toContain('Contains record values');
  });
});
