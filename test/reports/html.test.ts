import { describe, expect, it } from 'vitest';
import { histogramSpec } from '../../reports/charts.js';
import { escapeHtml, toHtml } from '../../reports/html.js';
import { makeReport } from './fixture.js';

describe('toHtml', () => {
  it('is one self-contained page: no script, no URL loaded, inline SVG chart', async () => {
    const html = await toHtml(makeReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|<iframe|<object|@import/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(?!#)/i);
    // the reference URL is shown as text, not as a link
    expect(html).toContain('https://doi.org/10.1197/jamia.M2716</li>');
    expect(html).toContain('<svg');
    expect(html).toContain('@media print');
    expect(html).toContain("default-src 'none'");
  });

  it('draws one chart per histogram', async () => {
    const r = makeReport();
    r.attacks[1].histograms = [{ label: 'group size', bins: ['1', '2+'], classes: [3, 4], records: [3, 10] }];
    const html = await toHtml(r);
    expect(html.match(/<svg/g)).toHaveLength(2);
  });

  it('shows a banner coloured by verdict, and the checks', async () => {
    const fail = await toHtml(makeReport());
    expect(fail).toContain('<div class="banner fail" role="status"><span class="verdict">FAIL</span>');
    for (const c of makeReport().checks) expect(fail).toContain(`<code>${c.id}</code>`);
    expect(fail).toContain('[0.009123, 0.01654]');
    expect(fail).toContain('Column `zip3` has 3 suppressed values.');
    const r = makeReport();
    r.verdict = 'error';
    expect(await toHtml(r)).toContain('class="banner error"');
    r.verdict = 'pass';
    expect(await toHtml(r)).toContain('class="banner pass"');
  });

  it('escapes every report string, including inside the chart', async () => {
    const r = makeReport();
    r.checks[0].message = '<script>alert("x")</script>';
    r.attacks[0].histograms[0].bins[0] = '<script>bin</script>';
    r.attacks[0].histograms[0].label = 'size & <b>class</b>';
    r.trial.name = '"><script>';
    r.attacks[0].tables[0].rows[0][0] = '<script>cell</script>';
    const html = await toHtml(r);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>class</b>');
    expect(html).toContain('<h3>Sample uniques with one QI left out</h3>');
    expect(html).not.toContain('zip <b>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
  });

  it('warns when the report contains record values', async () => {
    expect(await toHtml(makeReport())).not.toContain('contains record values');
    const r = makeReport();
    r.containsRecordValues = true;
    expect(await toHtml(r)).toContain('This report contains record values');
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('histogramSpec', () => {
  it('keeps the bin order and every bin, even a repeated label', () => {
    const spec = histogramSpec({ label: 'k', bins: ['3', '1', '1'], classes: [1, 2, 3], records: [3, 2, 3] });
    const values = (spec as { data: { values: { bin: string; records: number }[] } }).data.values;
    expect(values.map((v) => v.bin)).toEqual(['3', '1', '1 (2)']);
    expect(values.map((v) => v.records)).toEqual([3, 2, 3]);
  });
});
