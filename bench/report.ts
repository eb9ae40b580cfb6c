/**
 * @module bench/report — tinybench tasks for writing the human-facing report of a 1M-row trial.
 *
 * Runs one trial once (the generated 1,000,000-row table of bench/generate, QIs age, sex, prefecture, birth_month
 * — few enough that the uniqueness attack computes its leave-one-QI-out table —, sensitive `education`, attacks
 * uniqueness, population at f = 0.1 and diversity) to get its report, then times `writeReports` of report.html
 * (schema validation, every chart rendered to SVG by vega, atomic write): as the trial made it, and with three
 * curves added (a two-score ROC of 5,000 points per score on a log axis, a precision–coverage curve, uniqueness by
 * m), the size the membership, linkage and code-set attacks return. The target is under 2 s.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from 'tinybench';
import { writeReports } from '../reports/index.js';
import type { Report, ReportSeries } from '../src/report/model.js';
import { runTrial } from '../src/run/run-trial.js';
import { writeBenchCsv } from './generate.js';

const ROWS = 1_000_000;

/** Three curves of the size attacks return, synthetic numbers. */
function curves(): ReportSeries[] {
  const roc = ['dcr-gower', 'density-ratio'].flatMap((group, g) =>
    Array.from({ length: 5000 }, (_, i) => {
      const x = 10 ** (-5 + (5 * i) / 4999);
      const y = Math.min(1, x ** (0.5 + 0.2 * g));
      return { x, y, group, lo: Math.max(0, y - 0.03), hi: Math.min(1, y + 0.03) };
    }),
  );
  const axis = (label: string, scale: 'linear' | 'log' = 'linear') => ({ label, scale });
  return [
    { id: 'roc', title: 'ROC', x: axis('FPR', 'log'), y: axis('TPR'), mark: 'step', points: roc },
    {
      id: 'precision-coverage',
      title: 'Precision by coverage',
      x: axis('coverage'),
      y: axis('precision'),
      mark: 'line',
      points: [1, 2, 5, 10, 20, 50, 100].map((c) => ({ x: c / 100, y: 1 - c / 200, group: 'exact' })),
    },
    {
      id: 'unique-by-m',
      title: 'Unique by m',
      x: axis('m'),
      y: axis('unique fraction'),
      mark: 'bar',
      points: [1, 2, 3, 4, 5].map((m) => ({ x: m, y: m / 6, lo: m / 6 - 0.01, hi: m / 6 + 0.01 })),
    },
  ];
}

/**
 * Adds the report-writing tasks to `bench`.
 * @param bench - the tinybench instance
 * @param dataDir - where the generated CSV lives (made when missing)
 */
export async function registerReportBenchmarks(bench: Bench, dataDir: string): Promise<void> {
  const path = join(dataDir, `bench-${ROWS}.csv`);
  if (!existsSync(path)) await writeBenchCsv(path, ROWS);
  const out = mkdtempSync(join(tmpdir(), 'reidgate-bench-report-'));
  mkdirSync(out, { recursive: true });
  const qi = ['age', 'sex', 'prefecture', 'birth_month'].map((name) => ({
    name,
    kind: 'categorical' as const,
  }));
  const { report } = await runTrial({
    release: path,
    qi,
    sensitive: [{ name: 'education', kind: 'categorical' }],
    aligned: false,
    attacks: ['uniqueness', 'population', 'diversity'],
    samplingFraction: 0.1,
    seed: 1,
    workers: 2,
    out,
    format: ['json'],
    wildcard: [],
  });
  const withCurves: Report = structuredClone(report);
  withCurves.attacks[0].series = curves();
  const charts = report.attacks.reduce((n, a) => n + a.histograms.length + a.series.length, 0);
  bench.add(`write report.html, ${ROWS} rows trial (${charts} charts + risk by QI)`, async () => {
    await writeReports(report, out, ['html']);
  });
  bench.add(`write report.html, ${ROWS} rows trial + 3 curves (10,000-point ROC)`, async () => {
    await writeReports(withCurves, out, ['html']);
  });
  bench.add(`write report.json + .md + .html + junit, ${ROWS} rows trial`, async () => {
    await writeReports(report, out, ['json', 'md', 'html', 'junit']);
  });
}
