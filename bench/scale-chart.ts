/**
 * @module bench/scale-chart — draws the rows-vs-seconds chart of the claims-scale benchmark (bench/scale.ts) from
 * its measured figures: a Vega-Lite spec compiled and rendered headless by Vega to SVG.
 *
 * Usage: `npm run bench:scale-chart [-- FIGURES.json OUT.svg]` (default docs/scale/figures.json →
 * docs/scale/rows-vs-seconds.svg), and prints the figures as a Markdown table for BENCHMARKS.md. Only measured
 * figures are drawn; nothing is interpolated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ScaleFigure } from './scale.js';

/** Series drawn, in legend order (others in the JSON are listed in BENCHMARKS.md's table only). */
export const CHART_SERIES = [
  'duckdb, no record-risk.csv',
  'duckdb, with record-risk.csv',
  'local, no record-risk.csv',
  'clickhouse, no record-risk.csv',
  'duckdb: histogram',
  'duckdb: copy + histogram',
  'duckdb: scan only',
];

/**
 * The chart's Vega-Lite spec.
 * @param figures - measured figures
 * @returns the spec (log–log rows vs seconds, one line per series, the 10-minute target as a rule)
 */
export function scaleChartSpec(figures: readonly ScaleFigure[]): TopLevelSpec {
  const values = figures
    .filter((f) => CHART_SERIES.includes(f.series))
    .map((f) => ({ rows: f.rows, seconds: f.seconds, series: f.series, rss: f.peakRssMiB }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Uniqueness on claims-scale data: rows vs seconds',
      subtitle:
        '2 cores shared with other jobs (under load); --memory-limit 2GB (DuckDB; per ClickHouse server); 6 QIs; ClickHouse: 2 shards, table in place',
    },
    width: 560,
    height: 340,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'rows',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'event rows',
            axis: { values: [1e6, 1e7, 1e8], labelExpr: "'10^' + format(log(datum.value) / LN10, '.0f')" },
          },
          y: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds (wall)' },
          color: { field: 'series', type: 'nominal', sort: CHART_SERIES, title: null },
          tooltip: [
            { field: 'series' },
            { field: 'rows' },
            { field: 'seconds' },
            { field: 'rss', title: 'peak RSS MiB' },
          ],
        },
      },
      {
        data: { values: [{ y: 600, label: 'target: 10 minutes' }] },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
            encoding: { y: { field: 'y', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
            encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
          },
        ],
      },
    ],
    config: { legend: { orient: 'bottom', columns: 2, labelLimit: 320 } },
  };
}

/**
 * Renders the chart to SVG text.
 * @param figures - measured figures
 */
export async function scaleChartSvg(figures: readonly ScaleFigure[]): Promise<string> {
  const { spec } = compile(scaleChartSpec(figures));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${svg}\n`;
}

/**
 * The figures as a Markdown table (BENCHMARKS.md), by series then rows.
 * @param figures - measured figures
 */
export function scaleTable(figures: readonly ScaleFigure[]): string {
  const head =
    '| task | rows | wall (s) | load / attacks / write (s) | peak RSS (MiB) | ClickHouse servers: peak RSS sum / largest (MiB) | load avg |';
  const lines = [head, '|---|---:|---:|---:|---:|---:|---:|'];
  for (const f of figures) {
    const p = f.phases ? `${f.phases.load} / ${f.phases.attacks} / ${f.phases.write}` : '';
    lines.push(
      `| ${f.task.replace(/, \de\d rows.*$/, '')} | ${f.rows.toExponential(0).replace('+', '')} | ${f.seconds} | ${p} | ${f.peakRssMiB} | ${f.servers ? `${f.servers.peakSumRssMiB} / ${f.servers.peakMaxRssMiB}` : ''} | ${f.loadAverage} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const [input = 'docs/scale/figures.json', output = 'docs/scale/rows-vs-seconds.svg'] =
    process.argv.slice(2);
  const figures = JSON.parse(readFileSync(input, 'utf8')) as ScaleFigure[];
  writeFileSync(output, await scaleChartSvg(figures));
  console.log(`wrote ${output} (${figures.length} figures)\n`);
  console.log(scaleTable(figures));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
