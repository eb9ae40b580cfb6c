/**
 * @module reports/series-chart — vega-lite specs for the curves attacks return (`series`: ROC, precision–coverage,
 * uniqueness by m, …) and for the leave-one-QI-out table (risk by quasi-identifier), so that every attack's curves
 * are drawn by one renderer with no per-attack HTML code.
 *
 * A series becomes one line (or step, bar, point set) per `group`, with a shaded band (line, step) or error bars
 * (bar, point) from `lo`/`hi` where the points carry them. On a log axis, points at or below 0 cannot be drawn: they
 * are left out and counted, and the page says how many.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../src/report/model.js';

/**
 * Most points drawn per group: longer curves are thinned evenly by index (first and last point kept). A chart is
 * 360 px wide, so more points add rendering time (vega, server-side) and nothing visible.
 */
export const MAX_POINTS_PER_GROUP = 400;

/** Line colours (Tableau 10), in group order. */
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#bab0ac',
];

const WIDTH = 360;
const HEIGHT = 220;

interface Row {
  x: number;
  y: number;
  group: string;
  lo?: number;
  hi?: number;
}

/** Keeps at most `max` rows, evenly spaced, the first and the last included. */
function thin(rows: Row[], max: number): Row[] {
  if (rows.length <= max) return rows;
  const out: Row[] = [];
  const step = (rows.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(rows[Math.round(i * step)]);
  return out;
}

/** Log-axis ticks at the powers of ten spanning the values (no minor grid lines, no 0.2, 0.3 … labels). */
function decades(xs: readonly number[]): { values: number[]; format: string; grid: boolean } {
  const pos = xs.filter((x) => x > 0);
  const lo = pos.length > 0 ? Math.floor(Math.log10(Math.min(...pos))) : 0;
  const hi = pos.length > 0 ? Math.ceil(Math.log10(Math.max(...pos))) : 1;
  const values: number[] = [];
  for (let k = lo; k <= Math.max(hi, lo + 1); k++) values.push(Number(`1e${k}`));
  return { values, format: '~g', grid: true };
}

/**
 * Builds the vega-lite spec of a series.
 * @param s - the series
 * @returns the spec (data inlined) and how many points a log axis could not show
 */
export function seriesSpec(s: ReportSeries): { spec: TopLevelSpec; dropped: number } {
  const xLog = s.x.scale === 'log' && s.mark !== 'bar';
  const yLog = s.y.scale === 'log';
  let dropped = 0;
  const byGroup = new Map<string, Row[]>();
  for (const p of s.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (xLog && p.x <= 0) || (yLog && p.y <= 0)) {
      dropped++;
      continue;
    }
    const row: Row = { x: p.x, y: p.y, group: p.group ?? s.title };
    // a band end that a log axis cannot show is clamped to the point itself
    if (p.lo !== undefined && Number.isFinite(p.lo)) row.lo = yLog && p.lo <= 0 ? p.y : p.lo;
    if (p.hi !== undefined && Number.isFinite(p.hi)) row.hi = p.hi;
    const g = byGroup.get(row.group) ?? [];
    g.push(row);
    byGroup.set(row.group, g);
  }
  const groups = [...byGroup.keys()];
  const values = groups.flatMap((g) => thin(byGroup.get(g)!, MAX_POINTS_PER_GROUP));
  const hasBand = values.some((v) => v.lo !== undefined && v.hi !== undefined);
  const color = {
    field: 'group',
    type: 'nominal' as const,
    sort: groups,
    title: null,
    scale: { domain: groups, range: groups.map((_, i) => PALETTE[i % PALETTE.length]) },
    legend: groups.length > 1 ? { orient: 'bottom' as const, columns: 2, labelLimit: 260 } : null,
  };
  const x =
    s.mark === 'bar'
      ? { field: 'x', type: 'ordinal' as const, title: s.x.label, axis: { labelAngle: 0 } }
      : {
          field: 'x',
          type: 'quantitative' as const,
          title: s.x.label,
          scale: xLog ? { type: 'log' as const } : { zero: false },
          ...(xLog ? { axis: decades(values.map((v) => v.x)) } : {}),
        };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: s.y.label,
    scale: yLog ? { type: 'log' as const } : {},
    ...(yLog ? { axis: decades(values.map((v) => v.y)) } : {}),
  };
  const main =
    s.mark === 'bar'
      ? { type: 'bar' as const }
      : s.mark === 'point'
        ? { type: 'point' as const, filled: true }
        : {
            type: 'line' as const,
            interpolate: s.mark === 'step' ? ('step-after' as const) : ('linear' as const),
            point: values.length <= 40,
          };
  const layer: unknown[] = [{ mark: main, encoding: { y, color } }];
  if (hasBand) {
    const band = { filter: 'isValid(datum.lo) && isValid(datum.hi)' };
    const interval = {
      y: { field: 'lo', type: 'quantitative', title: s.y.label },
      y2: { field: 'hi' },
    };
    if (s.mark === 'bar' || s.mark === 'point') {
      // error bars over the bars or points
      layer.push({ transform: [band], mark: { type: 'rule', color: '#333' }, encoding: interval });
    } else {
      // a shaded band under the line
      layer.unshift({
        transform: [band],
        mark: { type: 'area', opacity: 0.18, interpolate: s.mark === 'step' ? 'step-after' : 'linear' },
        encoding: { ...interval, color },
      });
    }
  }
  const spec = {
    title: { text: s.title, anchor: 'start' },
    background: 'white',
    width:
      s.mark === 'bar'
        ? { step: Math.max(12, Math.min(40, Math.floor(WIDTH / Math.max(1, values.length)))) }
        : WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: { x },
    layer,
    config: {
      font: 'sans-serif',
      view: { stroke: null },
      legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
    },
  };
  return { spec: spec as TopLevelSpec, dropped };
}

/** A horizontal bar chart read from an attack's table (risk by QI, risk by QI combination). */
export interface Bars {
  title: string;
  subtitle: string;
  /** Axis title of the values. */
  axis: string;
  /** One bar per row, in this order. */
  rows: Array<{ label: string; value: number }>;
  /** d3 format of the value axis, e.g. ",d" for counts, ".0%" for shares. */
  format: string;
  /** A dashed reference line, e.g. the figure with every QI. */
  rule?: { value: number; label: string };
}

/**
 * Builds a horizontal bar chart: one bar per row (labels on the left), with an optional dashed reference line.
 * @param b - the bars
 * @returns a vega-lite spec
 */
export function barsSpec(b: Bars): TopLevelSpec {
  const max = Math.max(b.format === ',d' ? 1 : 0, b.rule?.value ?? 0, ...b.rows.map((r) => r.value));
  const value = { field: 'value', type: 'quantitative' as const };
  const layer: unknown[] = [
    {
      data: { values: b.rows },
      mark: { type: 'bar', color: PALETTE[0] },
      encoding: {
        y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
        x: {
          ...value,
          title: b.axis,
          scale: { domainMax: max > 0 ? max : 1, nice: true },
          axis: { format: b.format, ...(b.format === ',d' ? { tickMinStep: 1 } : {}) },
        },
      },
    },
  ];
  if (b.rule) {
    const data = { values: [{ value: b.rule.value, label: b.rule.label }] };
    layer.push(
      {
        data,
        mark: { type: 'rule', color: PALETTE[3], strokeDash: [4, 3], strokeWidth: 2 },
        encoding: { x: value },
      },
      {
        data,
        mark: { type: 'text', color: PALETTE[3], align: 'right', dx: -4, baseline: 'top', y: -14 },
        encoding: { x: value, text: { field: 'label' } },
      },
    );
  }
  return {
    title: { text: b.title, subtitle: b.subtitle, anchor: 'start' },
    background: 'white',
    width: WIDTH,
    height: { step: 18 },
    layer,
    config: { font: 'sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
}
