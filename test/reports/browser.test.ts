/**
 * The HTML report in a real browser: headless Chromium (Debian `chromium`, driven by playwright-core) opens
 * report.html from file:// for real trials (Adult k=5; NIST CRC with uniqueness, linkage and membership) and for a
 * report carrying every kind of curve (ROC on a log axis, precision–coverage, uniqueness by m), and checks that the
 * page loads with no console error and no Content-Security-Policy violation, that the verdict shows, and that every
 * chart's SVG has drawn something with a non-empty bounding box. Screenshots (and one PDF print) are saved in
 * test-artifacts/.
 *
 * Skips, saying why, when no Chromium binary is found (set CHROMIUM_PATH to use another one).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableBars } from '../../reports/hints.js';
import { toHtml } from '../../reports/html.js';
import { type Lang, messages } from '../../reports/i18n.js';
import { type Report, validateReport } from '../../src/report/model.js';
import { cli, ROOT, tmp } from '../cli/helpers.js';
import { nistPath } from '../fixtures/nist/load.js';
import { makeReport, withSeries } from './fixture.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = CANDIDATES.find((p): p is string => !!p && existsSync(p));
const ARTIFACTS = join(ROOT, 'test-artifacts');

if (!CHROMIUM) {
  console.warn(
    'browser test skipped: no Chromium binary found (tried CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser); install Debian `chromium`',
  );
}

/** The little of an SVG element the checks use (the test project has no DOM types). */
interface SvgLike {
  querySelectorAll(selector: string): ArrayLike<{ getBBox(): { width: number; height: number } }>;
}

/** Figures the page must hold for a report: per attack its histograms, bars read from its tables, and series. */
function expectedCharts(r: Report): string[] {
  return r.attacks.flatMap((a) => [
    ...a.histograms.map(() => 'histogram'),
    ...tableBars(a, messages()).map(([id]) => id),
    ...a.series.map((s) => `series-${s.id}`),
  ]);
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report page and checks it; returns the page's chart kinds in order. */
  async function check(html: string, report: Report, name: string, lang: Lang = 'en'): Promise<string[]> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) problems.push(`request: ${r.url()}`);
    });
    // (browser-side code as strings: the test project has no DOM types)
    await page.addInitScript({
      content:
        'window.cspViolations = []; document.addEventListener("securitypolicyviolation", (e) => ' +
        'window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));',
    });
    await page.goto(`file://${html}`, { waitUntil: 'load' });
    const csp = await page.evaluate<string[]>('window.cspViolations');
    expect(csp, `${name}: CSP violations`).toEqual([]);
    expect(problems, `${name}: console errors`).toEqual([]);

    const verdict = page.locator('.banner .verdict');
    await expect(verdict.isVisible()).resolves.toBe(true);
    const markers = {
      en: { pass: 'PASS', fail: 'FAIL', error: 'ERROR' },
      ja: { pass: '合格', fail: '不合格', error: 'エラー' },
    };
    expect(await verdict.textContent()).toBe(markers[lang][report.verdict]);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);

    const figures = page.locator('figure.chart');
    const kinds: string[] = [];
    for (let i = 0; i < (await figures.count()); i++) {
      const fig = figures.nth(i);
      kinds.push((await fig.getAttribute('data-chart')) ?? '');
      const svg = fig.locator('svg').first();
      const box = await svg.boundingBox();
      expect(box, `${name}: chart ${i} has no SVG box`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(50);
      expect(box!.height).toBeGreaterThan(50);
      // something was drawn inside it: marks with a non-empty box of their own
      const drawn = await svg.evaluate((el: SvgLike) =>
        Array.from(el.querySelectorAll('path, rect, line')).some((m) => {
          const b = m.getBBox();
          return b.width > 0 || b.height > 0;
        }),
      );
      expect(drawn, `${name}: chart ${i} is empty`).toBe(true);
    }
    expect(kinds).toEqual(expectedCharts(report));
    await page.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: true });
    await page.close();
    return kinds;
  }

  it('Adult k=5 trial: loads cleanly, verdict shown, every chart drawn; prints to PDF', async () => {
    const out = tmp();
    const r = cli(['run', join(ROOT, 'datasets/trials/adult-k5.yaml'), '--workers', '2', '--out', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const report = validateReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const kinds = await check(join(out, 'report.html'), report, 'adult-k5');
    expect(kinds).toContain('histogram');

    const page = await browser.newPage();
    await page.goto(`file://${join(out, 'report.html')}`);
    await page.emulateMedia({ media: 'print' });
    const pdf = join(ARTIFACTS, 'report-adult-k5.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.close();
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
  }, 240_000);

  it('NIST CRC trial with linkage and membership: loads cleanly and draws every chart and curve', async () => {
    const out = tmp();
    const r = cli([
      'run',
      '--release',
      nistPath('pram_default.csv'),
      '--original',
      nistPath('national2019.csv'),
      '--aligned',
      '--control',
      nistPath('national2018.csv'),
      '--qi',
      'AGEP:numeric,SEX,MSP,RAC1P,HOUSING_TYPE,OWN_RENT,EDU,PINCP_DECILE,DVET,DEYE',
      '--missing',
      'N,',
      '--attacks',
      'uniqueness,linkage,membership',
      '--targets',
      '500',
      '--workers',
      '2',
      '--out',
      out,
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const report = validateReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    for (const id of ['uniqueness', 'linkage', 'membership'])
      expect(report.attacks.find((a) => a.id === id)?.status).toBe('ok');
    const kinds = await check(join(out, 'report.html'), report, 'nist-linkage-membership');
    expect(kinds).toContain('risk-by-qi');
  }, 240_000);

  it('every kind of curve (log-FPR ROC, precision–coverage, uniqueness by m), in English and Japanese', async () => {
    const report = validateReport(withSeries(makeReport()));
    const dir = tmp();
    for (const lang of ['en', 'ja'] as const) {
      const html = join(dir, `report-${lang}.html`);
      writeFileSync(html, await toHtml(report, { lang }));
      const kinds = await check(html, report, `series-${lang}`, lang);
      for (const id of ['roc', 'precision-coverage', 'unique-by-m']) expect(kinds).toContain(`series-${id}`);
    }
  }, 120_000);

  it('the checks catch a page that tries to load something, and a chart that draws nothing', async () => {
    const report = validateReport(makeReport());
    const dir = tmp();
    const good = await toHtml(report);
    const loads = join(dir, 'loads.html');
    writeFileSync(loads, good.replace('<body>', '<body><img alt="" src="https://example.invalid/x.png">'));
    await expect(check(loads, report, 'negative-loads')).rejects.toThrow(/CSP|console/);
    const empty = join(dir, 'empty.html');
    writeFileSync(empty, good.replace(/<svg[\s\S]*?<\/svg>/, '<svg width="400" height="200"></svg>'));
    await expect(check(empty, report, 'negative-empty')).rejects.toThrow(/empty/);
  }, 120_000);
});
