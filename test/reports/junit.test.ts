import { describe, expect, it } from 'vitest';
import { escapeXml, toJunit } from '../../reports/junit.js';
import { makeReport } from './fixture.js';

type Counts = { tests: number; failures: number; errors: number; skipped: number };

function counts(tag: string): Counts {
  const n = (k: string) => Number(tag.match(new RegExp(`\\b${k}="(\\d+)"`))?.[1]);
  return { tests: n('tests'), failures: n('failures'), errors: n('errors'), skipped: n('skipped') };
}

/** Parses each <testsuite>: its counts attributes and the counts of its testcases' children. */
function suites(xml: string) {
  return [...xml.matchAll(/<testsuite\s[^>]*>[\s\S]*?<\/testsuite>/g)].map(([s]) => ({
    name: s.match(/<testsuite name="([^"]*)"/)?.[1],
    declared: counts(s.match(/<testsuite\s[^>]*>/)![0]),
    actual: {
      tests: (s.match(/<testcase\s/g) ?? []).length,
      failures: (s.match(/<failure\s/g) ?? []).length,
      errors: (s.match(/<error\s/g) ?? []).length,
      skipped: (s.match(/<skipped\s/g) ?? []).length,
    },
  }));
}

describe('toJunit', () => {
  const xml = toJunit(makeReport());

  it('has one suite per attack whose counts match its testcases', () => {
    const s = suites(xml);
    expect(s.map((x) => x.name)).toEqual(['uniqueness', 'linkage', 'membership', 'inference']);
    for (const x of s) expect(x.declared, x.name).toEqual(x.actual);
    expect(s[0].actual).toEqual({ tests: 2, failures: 1, errors: 0, skipped: 0 });
    expect(s[2].actual).toEqual({ tests: 1, failures: 0, errors: 0, skipped: 1 });
    expect(s[3].actual).toEqual({ tests: 2, failures: 1, errors: 1, skipped: 0 });
  });

  it('totals the counts on <testsuites>', () => {
    expect(counts(xml.match(/<testsuites\s[^>]*>/)![0])).toEqual({
      tests: 6,
      failures: 2,
      errors: 1,
      skipped: 1,
    });
  });

  it('names testcases reidgate.<attack> / metric and fails a failed check', () => {
    expect(xml).toContain('<testcase classname="reidgate.uniqueness" name="minClassSize" time="0.000">');
    expect(xml).toMatch(/<failure message="minClassSize 1 &#60; 5" type="policy">/);
    expect(xml).toContain(
      '<testcase classname="reidgate.linkage" name="reidentificationRate" time="0.000"/>',
    );
    expect(xml).toContain('<error message="worker crashed: out of memory" type="ATTACK_FAILED"/>');
    expect(xml).toContain('<skipped message="needs --control"/>');
  });

  it('escapes markup and drops characters XML forbids', () => {
    const r = makeReport();
    r.checks[0].message = `<b>"x" & 'y'\u0001</b>\nnext`;
    const out = toJunit(r);
    expect(out).toContain('message="&#60;b&#62;&#34;x&#34; &#38; &#39;y&#39;&#60;/b&#62;&#10;next"');
    expect(out).not.toContain('\u0001');
    expect(escapeXml('a\uD800b')).toBe('ab');
    expect(escapeXml('😀')).toBe('😀');
  });
});
