import { describe, expect, it } from 'vitest';
import { toHtml } from '../../reports/html.js';
import { toMarkdown } from '../../reports/markdown.js';
import { MAX_POINTS_PER_GROUP, seriesSpec } from '../../reports/series-chart.js';
import { validateReport } from '../../src/report/model.js';
import { makeReport, withSeries } from './fixture.js';

type Spec = {
  data: { values: Array<{ x: number; group: string }> };
  layer: Array<{ mark: { type: string } }>;
};

/** The fixture with the uniqueness attack's sampleUniques (150) so its leave-one-QI-out table is read. */
function withUniques() {
  const r = makeReport();
  r.attacks[0].metrics.sampleUniques = { value: 150, ci95: null, threshold: null, passed: null };
  return r;
}

describe('seriesSpec', () => {
  it('leaves out points a log axis cannot show, and says how many', () => {
    const r = withSeries(makeReport());
    const { spec, dropped } = seriesSpec(r.attacks[2].series[0]);
    expect(dropped).toBe(2); // FPR 0, one per score
    const values = (spec as unknown as Spec).data.values;
    expect(values.every((v) => v.x > 0)).toBe(true);
    expect(new Set(values.map((v) => v.group))).toEqual(new Set(['dcr-gower', 'density-ratio']));
  });

  it('draws a band under the line when points carry lo/hi, error bars on bars, none otherwise', () => {
    const r = withSeries(makeReport());
    const marks = (i: number) =>
      (seriesSpec(r.attacks[i].series[0]).spec as unknown as Spec).layer.map((l) => l.mark.type);
    expect(marks(2)).toEqual(['area', 'line']);
    expect(marks(0)).toEqual(['bar', 'rule']);
    expect(marks(1)).toEqual(['line']);
  });

  it('thins a long curve to at most MAX_POINTS_PER_GROUP points per group', () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ x: i + 1, y: i }));
    const { spec } = seriesSpec({
      id: 'c',
      title: 'c',
      x: { label: 'x', scale: 'log' },
      y: { label: 'y', scale: 'linear' },
      mark: 'line',
      points,
    });
    const v = (spec as unknown as Spec).data.values;
    expect(v).toHaveLength(MAX_POINTS_PER_GROUP);
    expect(v[0].x).toBe(1);
    expect(v.at(-1)?.x).toBe(5000);
  });
});

describe('toHtml layout', () => {
  it('draws every series as an inline SVG figure, with no per-attack code', async () => {
    const html = await toHtml(withSeries(makeReport()));
    for (const id of ['roc', 'precision-coverage', 'unique-by-m'])
      expect(html).toContain(`data-chart="series-${id}"`);
    expect(html.match(/<svg/g)).toHaveLength(4); // + the class-size histogram
    expect(html).toContain('2 points at or below 0 cannot be drawn on the log axis.');
    expect(html).toContain('Targets ranked by match confidence.');
  });

  it('puts failed checks and what to change under the banner, read from the leave-one-QI-out table', async () => {
    const html = await toHtml(withUniques());
    const banner = html.indexOf('class="banner');
    const hints = html.indexOf('What to change');
    expect(banner).toBeGreaterThan(0);
    expect(hints).toBeGreaterThan(banner);
    expect(hints).toBeLessThan(html.indexOf('Policy checks'));
    // zip <b> leaves 80 of 150 uniques: the first hint; age (120) the second; both escaped
    expect(html).toContain(
      '<li>Generalizing or dropping zip &#60;b&#62; helps most: leaving it out cuts sample uniques from 150 to 80 (−46.7%).</li>',
    );
    expect(html.indexOf('dropping zip')).toBeLessThan(html.indexOf('dropping age'));
    expect(html).toContain('Generalizing or dropping age also helps:');
    expect(html).toContain('data-chart="risk-by-qi"');
    expect(html).toContain('<li><code>inference</code>: required attack inference did not complete</li>');
  });

  it('has no "what to change" when no attack can tell', async () => {
    expect(await toHtml(makeReport())).not.toContain('What to change');
  });

  it('labels the page in Japanese with --lang ja, English by default', async () => {
    const r = withUniques();
    const en = await toHtml(r);
    expect(en).toContain('<html lang="en">');
    const ja = await toHtml(r, { lang: 'ja' });
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('<span class="verdict">不合格</span>');
    expect(ja).toContain('ポリシーのチェック');
    expect(ja).toContain('改善のヒント');
    expect(ja).toContain('zip &#60;b&#62; の一般化または削除が最も効果的です');
    expect(ja).not.toContain('Policy checks');
    expect(ja).not.toContain('What to change');
  });

  it('shows examples only with containsRecordValues, and says so on the banner', async () => {
    const r = makeReport();
    r.examples = [{ title: 'Riskiest groups', columns: ['age', 'class size'], rows: [['41', 1]] }];
    expect(() => validateReport(r)).toThrow(/containsRecordValues/);
    r.containsRecordValues = true;
    const html = await toHtml(validateReport(r));
    const banner = html.slice(
      html.indexOf('class="banner'),
      html.indexOf('</div>', html.indexOf('class="banner')),
    );
    expect(banner).toContain('This report contains record values');
    expect(html).toContain('<h3>Riskiest groups</h3>');
  });
});

describe('toMarkdown languages', () => {
  it('labels the Markdown in Japanese with lang ja, and lists what to change', () => {
    const r = withUniques();
    expect(toMarkdown(r)).toContain('**What to change:**');
    const ja = toMarkdown(r, { lang: 'ja' });
    expect(ja).toContain('**不合格**');
    expect(ja).toContain('### ポリシーのチェック');
    expect(ja).toContain('**改善のヒント:**');
    expect(ja).not.toContain('### Checks');
  });
});

describe('risk by QI combination (SUDA tables)', () => {
  it('charts the combinations and the shares, and names the strongest of each in what to change', async () => {
    const r = makeReport();
    r.attacks[3] = {
      ...r.attacks[3],
      id: 'suda',
      status: 'ok',
      reason: undefined,
      tables: [
        {
          title: 'combos',
          columns: ['QI combination', 'MSUs'],
          rows: [
            ['age + zip3', 40],
            ['age + sex + zip3', 7],
          ],
        },
        {
          title: 'shares',
          columns: ['QI', 'share of SUDA score'],
          rows: [
            ['sex', 0.2],
            ['age', 0.9],
          ],
        },
      ],
    };
    const html = await toHtml(r);
    expect(html).toContain('data-chart="risk-by-qi-combination"');
    expect(html).toContain('data-chart="suda-share-by-qi"');
    expect(html).toContain('<li>age is in the singling-out combinations behind 90% of the SUDA score');
    expect(html).toContain(
      '<li>The combination age + zip3 singles out the most records (40 minimal sample uniques)',
    );
    // no MSUs: nothing to chart or say
    r.attacks[3].tables[0].rows = [['age + zip3', 0]];
    r.attacks[3].tables[1].rows = [['age', 0]];
    const none = await toHtml(r);
    expect(none).not.toContain('risk-by-qi-combination');
    expect(none).not.toContain('What to change');
  });
});

describe('toMarkdown curves', () => {
  it('names the curves that report.html draws', () => {
    const md = toMarkdown(withSeries(makeReport()));
    expect(md).toContain('*Curves (drawn in report.html):* ROC (log FPR)');
    expect(md).toContain('*Curves (drawn in report.html):* Precision by coverage');
  });
});
